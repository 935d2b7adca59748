using System.Text.Json;
using System.Text.Json.Serialization;
using NtkRepro.Judgement.Claims;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Judgement.Baselines;

/// <summary>
/// Reads a snapshot from what a user points at: a snapshot file (figures.snap, as the baseline
/// tests write it), a baseline folder (baselines/&lt;preset&gt;), a results.json, or an artifact
/// store (its results.json, with the claims evaluated). Unusable input names the file and why.
/// </summary>
public static class SnapshotFile
{
    public const string FileName = "figures.snap";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals | JsonNumberHandling.AllowReadingFromString,
    };

    public static FigureSet Read(string path)
    {
        if (Directory.Exists(path))
        {
            foreach (var candidate in new[] { Path.Combine(path, "__snapshots__", FileName), Path.Combine(path, FileName), Path.Combine(path, "results.json") })
                if (File.Exists(candidate)) return Read(candidate);
            throw new FileNotFoundException($"{path}: neither a baseline folder (__snapshots__/{FileName}) nor an artifact store (results.json)");
        }
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such snapshot, results file or store");
        try
        {
            if (Path.GetFileName(path) == "results.json")
            {
                var results = NtkRepro.Numerics.Util.Json.Read<ReproductionResults>(path);
                return FigureSet.From(results, ClaimRegistry.Evaluate(results));
            }
            var set = JsonSerializer.Deserialize<FigureSet>(File.ReadAllText(path), Options);
            if (set?.Preset is null || set.Figures is null || set.Verdicts is null)
                throw new InvalidDataException($"{path}: not a figure snapshot (it needs Preset, Figures and Verdicts)");
            var unnamed = set.Figures.FirstOrDefault(f => f.Name is null || f.PerReplicate is null);
            if (unnamed is not null) throw new InvalidDataException($"{path}: a figure without a name or per-replicate values");
            return set;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: malformed JSON ({e.Message})");
        }
    }
}
