using NtkRepro.Judgement.Reporting;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Tests.Infrastructure;
using NtkRepro.Tests.Judgement.Claims;
using Xunit;

namespace NtkRepro.Tests.Pipeline.Experiments;

/// <summary>
/// Bad files planted into a finished smoke store, one in every kind of artifact a step writes:
/// `verify` names each, and `reproduce` recomputes the steps that wrote them (saying why) to the
/// same figures, bit for bit.
/// </summary>
[Tier(TestTier.Smoke)]
public class StoreIntegrityTests(SmokeReproduction smoke) : IClassFixture<SmokeReproduction>
{
    public enum Corruption { Truncated, ZeroLength, RandomBytes, WrongShapeJson }

    private static void Plant(string file, Corruption how)
    {
        var bytes = File.ReadAllBytes(file);
        switch (how)
        {
            case Corruption.Truncated: File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]); break;
            case Corruption.ZeroLength: File.WriteAllBytes(file, []); break;
            case Corruption.RandomBytes: new Random(1).NextBytes(bytes); File.WriteAllBytes(file, bytes); break;
            case Corruption.WrongShapeJson: File.WriteAllText(file, "{\"unexpected\": [1, 2, 3]}"); break;
        }
    }

    /// <summary>One file of each kind of step: the largest the step's manifest lists (a checkpoint, a kernel, an evaluation record, …).</summary>
    private static List<(string Step, string File)> OnePerKind(string store)
    {
        var plan = Planner.For(Presets.Smoke);
        var s = new ArtifactStore(store);
        return plan.Steps.Where(p => p.Key != Plan.ReportKey).GroupBy(p => ReportStep.All.Of(p).Name)
            .Select(g => g.First())
            .Select(p => (p.Key, StepManifest.Read(s, p.Key) ?? throw new InvalidOperationException($"{p.Key}: no manifest")))
            .Select(x => (x.Key, Path.Combine(store, x.Item2.Files.OrderByDescending(f => f.Bytes).First().Path)))
            .ToList();
    }

    [Theory]
    [InlineData(Corruption.Truncated)]
    [InlineData(Corruption.ZeroLength)]
    [InlineData(Corruption.RandomBytes)]
    [InlineData(Corruption.WrongShapeJson)]
    public void EveryKindOfArtifactPlantedBadIsNamedByVerifyAndRecomputedToTheSameFigures(Corruption how)
    {
        var store = TestData.TempDir($"integrity-{how}");
        TestData.CopyDirectory(smoke.Store, store);
        var planted = OnePerKind(store);
        Assert.True(planted.Count >= 7, string.Join(", ", planted.Select(p => p.Step)));
        foreach (var (_, file) in planted) Plant(file, how);

        var (code, output, error) = CliProcess.InProcess("verify", "--preset", "smoke", "--store", store);
        Assert.True(code == 1, $"verify exited {code}: {error}\n{output}");
        foreach (var (step, file) in planted)
            Assert.Contains($"bad: {step}: {Path.GetRelativePath(store, file)}", output);

        (code, output, error) = CliProcess.InProcess("reproduce", "--preset", "smoke", "--store", store, "--jobs", "1");
        Assert.True(code == SmokeReproduction.ExpectedExitCode(smoke.Results), $"reproduce exited {code}: {error}\n{output}");
        foreach (var (step, _) in planted) Assert.Contains($"recomputing {step}: its files are not what it wrote", output);

        var (compared, table, _) = CliProcess.InProcess("compare", smoke.Store, store);
        Assert.True(compared == 0, table);
        Assert.Contains("exact mode (the fingerprints are equal)", table);
        (code, output, _) = CliProcess.InProcess("verify", "--preset", "smoke", "--store", store);
        Assert.True(code == 0, output);
    }

    /// <summary>
    /// A configuration changed and changed back leaves a step's manifest listing the files of the other
    /// configuration's folder; with that folder removed, every file it lists is gone. The step is
    /// recomputed (it used to stop the worker: deleting a file in a missing folder throws).
    /// </summary>
    [Fact]
    public void AManifestListingAnotherConfigurationsRemovedFolderMakesTheStepRecomputeNotFail()
    {
        var store = TestData.TempDir("integrity-stale-manifest");
        TestData.CopyDirectory(smoke.Store, store);
        var step = Planner.For(Presets.Smoke).Steps.First(p => p.Work is Stage1Work);
        var manifest = StepManifest.PathOf(new ArtifactStore(store), step.Key);
        var folder = Path.GetFileName(step.Folder);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace(folder + "/", folder[..folder.LastIndexOf('-')] + "-0000dead/"));

        var (code, output, error) = CliProcess.InProcess("reproduce", "--preset", "smoke", "--store", store, "--jobs", "1");
        Assert.True(code == SmokeReproduction.ExpectedExitCode(smoke.Results), $"reproduce exited {code}: {error}\n{output}");
        Assert.Contains($"recomputing {step.Key}: its files are not what it wrote", output);
        Assert.Contains("more)", output);
        var (compared, table, _) = CliProcess.InProcess("compare", smoke.Store, store);
        Assert.True(compared == 0, table);
        (code, output, _) = CliProcess.InProcess("verify", "--preset", "smoke", "--store", store);
        Assert.True(code == 0, output);
    }

    [Fact]
    public void AFileNoStepWroteIsUnexpectedAndAnUntouchedStoreIsClean()
    {
        var store = TestData.TempDir("integrity-stray");
        TestData.CopyDirectory(smoke.Store, store);
        var (code, output, _) = CliProcess.InProcess("verify", "--preset", "smoke", "--store", store);
        Assert.True(code == 0, output);
        File.WriteAllText(Path.Combine(store, "synthetic", "stray.npy"), "x");
        (code, output, _) = CliProcess.InProcess("verify", "--preset", "smoke", "--store", store);
        Assert.Equal(1, code);
        Assert.Contains("unexpected: synthetic/stray.npy", output);
    }
}
