namespace NtkRepro.Pipeline.Experiments;

/// <summary>
/// A store checked against its steps' manifests, every file rehashed: files missing or changed,
/// finished steps without a manifest, and files no manifest accounts for (outside the store's own
/// bookkeeping: timings, logs, locks, manifests, the report).
/// </summary>
public sealed record StoreVerification(int Checked, IReadOnlyList<string> Bad, IReadOnlyList<string> Unrecorded, IReadOnlyList<string> Unexpected)
{
    private static readonly string[] Bookkeeping = ["timings", "logs", "locks", StepManifest.Folder, "report"];

    public bool Clean => Bad.Count == 0 && Unexpected.Count == 0;

    public static StoreVerification Of(Plan plan, ArtifactStore store, StepRegistry kinds)
    {
        var bad = new List<string>();
        var unrecorded = new List<string>();
        var recorded = new HashSet<string>(StringComparer.Ordinal);
        int checkedSteps = 0;
        foreach (var step in plan.Steps.Where(s => kinds.Knows(s) && !kinds.Of(s).Summarizes))
        {
            var manifest = StepManifest.Read(store, step.Key);
            if (manifest is null)
            {
                if (kinds.Of(step).IsDone(plan, store, step)) unrecorded.Add(step.Key);
                continue;
            }
            checkedSteps++;
            foreach (var f in manifest.Files) recorded.Add(f.Path);
            bad.AddRange(manifest.Problems(store, deep: true).Select(p => $"{step.Key}: {p}"));
        }
        // Files of a step without a manifest cannot be told from stray ones.
        var unexpected = unrecorded.Count > 0 || !Directory.Exists(store.Root) ? [] :
            Directory.EnumerateFiles(store.Root, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(store.Root, f).Replace('\\', '/'))
                .Where(f => !Bookkeeping.Any(b => f.StartsWith(b + "/", StringComparison.Ordinal)) && f != "results.json" && !recorded.Contains(f))
                .Order(StringComparer.Ordinal).ToList();
        return new StoreVerification(checkedSteps, bad, unrecorded, unexpected);
    }
}
