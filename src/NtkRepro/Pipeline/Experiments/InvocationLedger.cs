using System.Text.Json;
using NtkRepro.Numerics.Util;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>
/// One invocation of an executor on a store: when it started, how long its steps took on the wall
/// clock (up to the report, which it writes afterwards), how wide it ran and what it computed.
/// <paramref name="Finished"/> is false for one that never reached its report (killed, or still
/// running): its figures are those of its last record (after a step or a worker ended).
/// </summary>
public sealed record Invocation(DateTimeOffset Started, double WallSeconds, int Jobs, int ThreadsPerStep, int Computed, int Reused, int Failed, string Machine,
    bool Finished = true);

/// <summary>
/// The store's record of executor invocations: what the report's wall time is summed from, since
/// the steps' own timings give only compute. A finished invocation is a line of
/// <c>logs/invocations.jsonl</c> (appended); a running one keeps its own file under
/// <c>logs/running/</c>, rewritten whenever a step or a worker ends and removed when its line is
/// appended, so an invocation killed halfway still counts what it did.
/// </summary>
public static class InvocationLedger
{
    public const string RelativePath = "logs/invocations.jsonl";
    public const string RunningFolder = "logs/running";

    public static string PathIn(string storeRoot) => Path.Combine(storeRoot, RelativePath);

    /// <summary>Records an invocation as running from now on; <see cref="Running.End"/> makes it a line of the ledger.</summary>
    public static Running Begin(ArtifactStore store, Invocation start)
    {
        var path = Path.Combine(store.Root, RunningFolder, $"{start.Started:yyyyMMdd'T'HHmmss'.'fffffff}-{Environment.ProcessId}.json");
        var running = new Running(store, path);
        running.Update(start);
        return running;
    }

    /// <summary>An invocation in progress: its file under <see cref="RunningFolder"/>.</summary>
    public sealed class Running(ArtifactStore store, string path)
    {
        public void Update(Invocation sofar) => AtomicFile.WriteJson(path, sofar with { Finished = false });

        public void End(Invocation final)
        {
            Append(store, final with { Finished = true });
            File.Delete(path);
        }
    }

    private static readonly JsonSerializerOptions Line = new(Json.Options) { WriteIndented = false };

    public static void Append(ArtifactStore store, Invocation invocation)
    {
        var path = PathIn(store.Root);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.AppendAllText(path, JsonSerializer.Serialize(invocation, Line) + "\n");
    }

    /// <summary>The recorded invocations, finished or not, oldest first (none where the store has no ledger).</summary>
    public static IReadOnlyList<Invocation> Read(string storeRoot)
    {
        var running = Path.Combine(storeRoot, RunningFolder);
        var unfinished = Directory.Exists(running)
            ? Directory.GetFiles(running, "*.json").Select(f => Json.Read<Invocation>(f) with { Finished = false })
            : [];
        return Finished(storeRoot).Concat(unfinished).OrderBy(i => i.Started).ToList();
    }

    private static List<Invocation> Finished(string storeRoot)
    {
        var path = PathIn(storeRoot);
        if (!File.Exists(path)) return [];
        var lines = File.ReadAllLines(path);
        var list = new List<Invocation>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            try
            {
                list.Add(JsonSerializer.Deserialize<Invocation>(lines[i], Line) ?? throw new JsonException("null"));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path} line {i + 1}: not an invocation record ({e.Message})");
            }
        }
        return list;
    }

    /// <summary>The report's line: wall time of the invocations that computed steps, and how they ran.</summary>
    public static string? Describe(IReadOnlyList<Invocation> invocations)
    {
        var working = invocations.Where(i => i.Computed > 0).ToList();
        if (working.Count == 0) return null;
        double wall = working.Sum(i => i.WallSeconds);
        var widths = string.Join("; ", working.Select(i => $"{i.Jobs} worker(s) × {i.ThreadsPerStep} thread(s)").Distinct());
        var each = working.Count == 1 && working[0].Finished ? "" :
            " (" + string.Join(" + ", working.Select(i => $"{Eta.Short(TimeSpan.FromSeconds(i.WallSeconds))} for {i.Computed} steps" +
                (i.Finished ? "" : ", unfinished: killed or still running, counted up to its last record"))) + ")";
        return $"{Eta.Short(TimeSpan.FromSeconds(wall))} over {working.Count} invocation(s) that computed steps{each}, {widths}, started {working[0].Started:yyyy-MM-dd HH:mm}Z";
    }
}
