using System.Text.Json;
using NtkRepro.Numerics.Util;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>
/// One invocation of an executor on a store: when it started, how long its steps took on the wall
/// clock (up to the report, which it writes afterwards), how wide it ran and what it computed.
/// </summary>
public sealed record Invocation(DateTimeOffset Started, double WallSeconds, int Jobs, int ThreadsPerStep, int Computed, int Reused, int Failed, string Machine);

/// <summary>
/// The store's record of executor invocations (<c>logs/invocations.jsonl</c>, one JSON line each,
/// appended): what the report's wall time is summed from, since the steps' own timings give only
/// compute. An invocation that was killed before its steps ended has no line: the report says wall
/// time of the recorded invocations.
/// </summary>
public static class InvocationLedger
{
    public const string RelativePath = "logs/invocations.jsonl";

    public static string PathIn(string storeRoot) => Path.Combine(storeRoot, RelativePath);

    private static readonly JsonSerializerOptions Line = new(Json.Options) { WriteIndented = false };

    public static void Append(ArtifactStore store, Invocation invocation)
    {
        var path = PathIn(store.Root);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.AppendAllText(path, JsonSerializer.Serialize(invocation, Line) + "\n");
    }

    /// <summary>The recorded invocations, oldest first (none where the store has no ledger).</summary>
    public static IReadOnlyList<Invocation> Read(string storeRoot)
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
        var each = working.Count == 1 ? "" :
            " (" + string.Join(" + ", working.Select(i => $"{Eta.Short(TimeSpan.FromSeconds(i.WallSeconds))} for {i.Computed} steps")) + ")";
        return $"{Eta.Short(TimeSpan.FromSeconds(wall))} over {working.Count} invocation(s) that computed steps{each}, {widths}, started {working[0].Started:yyyy-MM-dd HH:mm}Z";
    }
}
