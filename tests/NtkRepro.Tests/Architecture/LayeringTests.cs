using NtkRepro.Numerics.Data;
using NtkRepro.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace NtkRepro.Tests.Architecture;

/// <summary>
/// The library is three tiers of folders, and the folder layout is the design: numerics (what is computed),
/// pipeline (how runs are planned, executed and stored, ending in the results schema it writes), judgement (what
/// the results say about the paper). Each folder may use the folders before it in its own tier and any folder of
/// a lower tier; the judgement reads the pipeline only through its results schema, save where a folder below
/// names more. The command line sits on top. Checked against the compiled assemblies (so a partly qualified name,
/// a lambda or a generic argument counts as much as a using directive); docs/architecture.md says why.
/// </summary>
[Tier(TestTier.Fast)]
public class LayeringTests(ITestOutputHelper output)
{
    /// <summary>The tiers, lowest first, each with its folders in the order in which they may use each other.</summary>
    public static readonly (string Tier, string[] Folders)[] Design =
    [
        ("Numerics", ["Native", "Util", "Statistics", "Data", "Models", "Linearization", "Kernels", "Attacks", "Training", "Eigenimages"]),
        ("Pipeline", ["Runs", "Results", "Experiments", "Benchmarks"]),
        ("Judgement", ["Claims", "Baselines", "Reporting"]),
    ];

    /// <summary>
    /// What of the pipeline each judgement folder may read (nothing unless named here): the claims only the results; baselines and the report also
    /// the presets (a baseline names its preset and replicates) and the store (the report lists what ran and where).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> PipelineReadBy = new Dictionary<string, string[]>
    {
        ["Claims"] = ["Results"],
        ["Baselines"] = ["Results", "Experiments"],
        ["Reporting"] = ["Results", "Experiments"],
    };

    /// <summary>Layer ("Tier/Folder", or Cli) -> the layers it may use, derived from <see cref="Design"/>.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Allowed = Derive();

    private static Dictionary<string, string[]> Derive()
    {
        var map = new Dictionary<string, string[]>();
        var below = new List<string>();
        foreach (var (tier, folders) in Design)
        {
            var earlier = new List<string>();
            foreach (var folder in folders)
            {
                var reads = PipelineReadBy.GetValueOrDefault(folder, []);
                var lower = tier == "Judgement" ? below.Where(l => !l.StartsWith("Pipeline/", StringComparison.Ordinal) || reads.Contains(l["Pipeline/".Length..])) : below;
                map[$"{tier}/{folder}"] = [.. lower, .. earlier];
                earlier.Add($"{tier}/{folder}");
            }
            below.AddRange(earlier);
        }
        map["Cli"] = [.. below];
        return map;
    }

    public static readonly LayerRules Rules = new(Allowed, LayerOf);

    /// <summary>NtkRepro.&lt;Tier&gt;.&lt;Folder&gt;[.*] is the folder's layer; NtkRepro.Cli[.*] is Cli.</summary>
    public static string? LayerOf(string ns)
    {
        if (ns == "NtkRepro.Cli" || ns.StartsWith("NtkRepro.Cli.", StringComparison.Ordinal)) return "Cli";
        if (ns == "NtkRepro.Tests" || ns.StartsWith("NtkRepro.Tests.", StringComparison.Ordinal)) return null;
        if (ns == "NtkRepro") return "NtkRepro"; // outside every folder: in no layer of the map
        var parts = ns.Split('.');
        return parts.Length >= 3 && parts[0] == "NtkRepro" ? $"{parts[1]}/{parts[2]}" : parts.Length == 2 && parts[0] == "NtkRepro" ? parts[1] : null;
    }

    private static readonly string[] Assemblies =
        [typeof(DataRoot).Assembly.Location, typeof(NtkRepro.Cli.Program).Assembly.Location];

    [Fact]
    public void EveryLayerUsesOnlyTheLayersTheMapAllows()
    {
        var uses = Assemblies.SelectMany(TypeDependencies.Read).ToList();
        var measured = Rules.Measure(uses);
        output.WriteLine("measured (layer -> layers it uses):\n" + LayerRules.Format(measured));
        var unused = Allowed.SelectMany(kv => kv.Value.Where(v => !(measured.GetValueOrDefault(kv.Key)?.Contains(v) ?? false)).Select(v => $"{kv.Key} -> {v}")).ToList();
        if (unused.Count > 0) output.WriteLine("allowed but unused (the map could be tightened): " + string.Join(", ", unused));
        Assert.Empty(measured.Keys.Concat(measured.Values.SelectMany(v => v)).Distinct().Except(Allowed.Keys));
        var violations = Rules.Violations(uses);
        Assert.True(violations.Count == 0, $"{violations.Count} uses the layer map does not allow:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void TheMapIsAcyclic()
    {
        var cycle = Rules.Cycle();
        Assert.True(cycle is null, "the layer map has a cycle: " + string.Join(" -> ", cycle ?? []));
        Assert.All(Allowed.Values.SelectMany(v => v), used => Assert.Contains(used, Allowed.Keys));
    }

    [Fact]
    public void TheLibrarysLayersAreItsFolders()
    {
        var library = Path.Combine(DataRoot.RepositoryRoot()!, "src", "NtkRepro");
        var tiers = Directory.GetDirectories(library).Select(Path.GetFileName).Where(d => !IsBuildOutput(d!)).ToList();
        Assert.Equal(Design.Select(t => t.Tier).Order(StringComparer.Ordinal), tiers.Order(StringComparer.Ordinal));
        var folders = tiers.SelectMany(t => Directory.GetDirectories(Path.Combine(library, t!)).Select(d => $"{t}/{Path.GetFileName(d)}")).ToList();
        Assert.Equal(Allowed.Keys.Where(k => k != "Cli").Order(StringComparer.Ordinal), folders.Order(StringComparer.Ordinal));
        var loose = tiers.Prepend("").SelectMany(t => Directory.GetFiles(Path.Combine(library, t!), "*.cs")).ToList();
        Assert.True(loose.Count == 0, "code outside the tiers' folders: " + string.Join(", ", loose));
    }

    /// <summary>bin/ and obj/ of the default backend, bin-&lt;backend&gt;/ and obj-&lt;backend&gt;/ of the others (Directory.Build.props).</summary>
    private static bool IsBuildOutput(string folder) => folder is "bin" or "obj" || folder.StartsWith("bin-", StringComparison.Ordinal) || folder.StartsWith("obj-", StringComparison.Ordinal);
}
