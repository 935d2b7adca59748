using NtkRepro.Data;
using NtkRepro.Reporting;
using Snapshooter;
using Snapshooter.Xunit;
using Xunit;

namespace NtkRepro.Tests.Infrastructure;

/// <summary>
/// Snapshot baselines of a preset's measured figures, stored as baselines/&lt;preset&gt;/__snapshots__/figures.snap
/// (Snapshooter; strict in CI via SNAPSHOOTER_STRICT_MODE=true, so a missing baseline fails
/// instead of being written). Values are compared here first, each within its measured tolerance
/// (<see cref="FigureSet.CompareTo"/>), and every difference, figure or verdict, is shown in one
/// table; Snapshooter then checks the structure (figure names and kinds, verdict ids). A mismatch
/// leaves the received snapshot in baselines/&lt;preset&gt;/__snapshots__/__mismatch__/ (git-ignored);
/// 'dotnet msbuild -t:AcceptBaselines' accepts it.
/// </summary>
public static class Baselines
{
    public const string FileName = "figures.snap";

    public static string Folder(string preset) =>
        Path.Combine(DataRoot.RepositoryRoot() ?? throw new InvalidOperationException("tests must run inside the repository"), "baselines", preset);

    public static string VerifiedPath(string preset) => Path.Combine(Folder(preset), "__snapshots__", FileName);

    /// <summary>The committed baseline of a preset, or null when there is none yet.</summary>
    public static FigureSet? Read(string preset) =>
        File.Exists(VerifiedPath(preset)) ? Newtonsoft.Json.JsonConvert.DeserializeObject<FigureSet>(File.ReadAllText(VerifiedPath(preset))) : null;

    /// <returns>Differences that do not fail (borderline verdicts), for the test's output.</returns>
    public static IReadOnlyList<string> Verify(FigureSet received)
    {
        var folder = Folder(received.Preset);
        var verified = VerifiedPath(received.Preset);
        var notes = new List<string>();
        if (File.Exists(verified))
        {
            var baseline = Read(received.Preset) ?? throw new InvalidDataException($"{verified}: unreadable baseline");
            var diffs = received.CompareTo(baseline);
            notes.AddRange(diffs.Where(d => !d.Fails).Select(d => $"{d.Name}: {d.Baseline} → {d.Received} ({d.Tolerance})"));
            if (diffs.Any(d => d.Fails))
            {
                var mismatch = Path.Combine(folder, "__snapshots__", "__mismatch__", FileName);
                Directory.CreateDirectory(Path.GetDirectoryName(mismatch)!);
                // Snapshooter's own serializer (enums as names...), so that an accepted snapshot is one Snapshooter then matches.
                File.WriteAllText(mismatch, new Snapshooter.Core.Serialization.SnapshotSerializer(new Snapshooter.Core.Serialization.GlobalSnapshotSettingsResolver()).SerializeObject(received));
                Assert.Fail($"{diffs.Count(d => d.Fails)} figure(s) or verdict(s) of preset '{received.Preset}' differ from {verified} beyond tolerance " +
                            $"(of {received.Figures.Count} figures and {received.Verdicts.Count} verdicts):\n" + FigureSet.FormatDifferences(diffs) +
                            $"\nReceived snapshot written to {mismatch}; review it and accept with 'dotnet msbuild -t:AcceptBaselines'.");
            }
        }
        Snapshot.Match(received, new SnapshotFullName(FileName, folder), o => o
            .IgnoreFields("Figures[*].Mean").IgnoreFields("Figures[*].StandardError").IgnoreFields("Figures[*].DegreesOfFreedom")
            .IgnoreFields("Figures[*].PerReplicate").IgnoreFields("Verdicts[*].Verdict").IgnoreFields("Verdicts[*].MaskingSuspected"));
        return notes;
    }
}
