using NtkRepro.Data;
using NtkRepro.Reporting;
using Snapshooter;
using Snapshooter.Xunit;
using Xunit;

namespace NtkRepro.Tests.Infrastructure;

/// <summary>
/// Snapshot baselines of a preset's measured figures, stored as baselines/&lt;preset&gt;/__snapshots__/figures.snap
/// (Snapshooter; strict in CI via SNAPSHOOTER_STRICT_MODE=true, so a missing baseline fails
/// instead of being written). Snapshooter checks the structure (figure names, tolerances,
/// verdicts); values are compared here, each within its stated tolerance. A mismatch leaves
/// the received snapshot in baselines/&lt;preset&gt;/__snapshots__/__mismatch__/ (git-ignored) and fails with a table
/// of the differing figures; 'dotnet msbuild -t:AcceptBaselines' accepts it.
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

    public static void Verify(FigureSet received)
    {
        var folder = Folder(received.Preset);
        var verified = VerifiedPath(received.Preset); // where Snapshooter keeps it
        bool existed = File.Exists(verified);
        Snapshot.Match(received, new SnapshotFullName(FileName, folder), o => o.IgnoreFields("Figures[*].Value"));
        if (!existed) return; // just written (non-strict mode): nothing to compare with yet
        var baseline = Read(received.Preset) ?? throw new InvalidDataException($"{verified}: unreadable baseline");
        var diffs = received.CompareTo(baseline);
        if (diffs.Count == 0) return;
        var mismatch = Path.Combine(folder, "__snapshots__", "__mismatch__", FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(mismatch)!);
        File.WriteAllText(mismatch, Newtonsoft.Json.JsonConvert.SerializeObject(received, Newtonsoft.Json.Formatting.Indented));
        Assert.Fail($"{diffs.Count} figure(s) of preset '{received.Preset}' differ from {verified} beyond their tolerance:\n" +
                    FigureSet.FormatDifferences(diffs) +
                    $"\nReceived snapshot written to {mismatch}; review it and accept with 'dotnet msbuild -t:AcceptBaselines'.");
    }
}
