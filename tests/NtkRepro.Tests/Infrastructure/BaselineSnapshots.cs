using NtkRepro.Judgement.Baselines;
using NtkRepro.Numerics.Data;
using Snapshooter;
using Snapshooter.Xunit;
using Xunit;

namespace NtkRepro.Tests.Infrastructure;

/// <summary>
/// Snapshot baselines of a preset's measured figures, stored as baselines/&lt;preset&gt;/__snapshots__/figures.snap
/// (Snapshooter; strict in CI via SNAPSHOOTER_STRICT_MODE=true, so a missing baseline fails
/// instead of being written). Values are compared first by <see cref="SnapshotComparison"/> (what
/// 'ntkrepro compare' runs: exact when the fingerprints match, statistical otherwise), and every
/// flagged row, figure, family or verdict, is shown in one table; Snapshooter then checks the
/// structure (figure names and kinds, verdict ids). A mismatch
/// leaves the received snapshot in baselines/&lt;preset&gt;/__snapshots__/__mismatch__/ (git-ignored);
/// 'dotnet msbuild -t:AcceptBaselines' accepts it.
/// </summary>
public static class BaselineSnapshots
{
    public const string FileName = SnapshotFile.FileName;

    public static string Folder(string preset) =>
        Path.Combine(DataRoot.RepositoryRoot() ?? throw new InvalidOperationException("tests must run inside the repository"), "baselines", preset);

    public static string VerifiedPath(string preset) => Path.Combine(Folder(preset), "__snapshots__", FileName);

    /// <summary>The committed baseline of a preset, or null when there is none yet.</summary>
    public static FigureSet? Read(string preset) =>
        File.Exists(VerifiedPath(preset)) ? SnapshotFile.Read(VerifiedPath(preset)) : null;

    /// <summary>Snapshooter's own serializer (enums as names...), so that an accepted snapshot is one Snapshooter then matches.</summary>
    public static string Serialize(FigureSet set) =>
        new Snapshooter.Core.Serialization.SnapshotSerializer(new Snapshooter.Core.Serialization.GlobalSnapshotSettingsResolver()).SerializeObject(set);

    /// <returns>The comparison's summary and its rows that do not fail (borderline verdicts), for the test's output.</returns>
    public static IReadOnlyList<string> Verify(FigureSet received)
    {
        var folder = Folder(received.Preset);
        var verified = VerifiedPath(received.Preset);
        var notes = new List<string>();
        if (File.Exists(verified))
        {
            var baseline = Read(received.Preset) ?? throw new InvalidDataException($"{verified}: unreadable baseline");
            var report = SnapshotComparison.Compare(baseline, received);
            notes.Add(report.Summary());
            notes.AddRange(report.Rows.Where(d => !d.Fails).Select(d => $"{d.Name}: {d.Baseline} → {d.Received} ({d.Tolerance})"));
            if (!report.Matches)
            {
                var mismatch = Path.Combine(folder, "__snapshots__", "__mismatch__", FileName);
                Directory.CreateDirectory(Path.GetDirectoryName(mismatch)!);
                File.WriteAllText(mismatch, Serialize(received));
                Assert.Fail($"preset '{received.Preset}' differs from {verified}:\n" + report.Format() +
                            $"\nReceived snapshot written to {mismatch}; review it ('ntkrepro compare {verified} {mismatch}') and accept with 'dotnet msbuild -t:AcceptBaselines'.");
            }
        }
        Snapshot.Match(received, new SnapshotFullName(FileName, folder), o => o
            .IgnoreFields("Figures[*].Mean").IgnoreFields("Figures[*].StandardError").IgnoreFields("Figures[*].DegreesOfFreedom")
            .IgnoreFields("Figures[*].PerReplicate").IgnoreFields("Verdicts[*].Verdict").IgnoreFields("Verdicts[*].MaskingSuspected")
            .IgnoreFields("Verdicts[*].Tests").IgnoreFields("Fingerprint"));
        return notes;
    }
}
