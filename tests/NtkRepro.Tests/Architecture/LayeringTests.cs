using NtkRepro.Data;
using NtkRepro.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace NtkRepro.Tests.Architecture;

/// <summary>
/// The library's folders and the command line are layers; each may use only the layers the map
/// below allows it, read from the compiled assemblies (so a partly qualified name, a lambda or a
/// generic argument counts as much as a using directive). The map is acyclic.
/// </summary>
[Tier(TestTier.Fast)]
public class LayeringTests(ITestOutputHelper output)
{
    /// <summary>Layer -> the layers it may use. The library's layers are the folders of src/NtkRepro; Cli is the whole command line.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>
    {
        ["Native"] = [],
        ["Util"] = [],
        ["Statistics"] = [],
        ["Data"] = [],
        ["Models"] = ["Native", "Util"],
        ["Linearization"] = ["Models", "Util"],
        ["Kernels"] = ["Linearization", "Models", "Util"],
        ["Attacks"] = ["Data", "Linearization", "Statistics", "Util"],
        ["Training"] = ["Attacks", "Data", "Kernels", "Linearization", "Models", "Statistics", "Util"],
        ["Runs"] = ["Attacks", "Data", "Kernels", "Linearization", "Models", "Training", "Util"],
        ["Eigenimages"] = ["Data", "Kernels", "Models", "Runs", "Util"],
        ["Experiments"] = ["Attacks", "Data", "Eigenimages", "Kernels", "Linearization", "Models", "Native", "Runs", "Training", "Util"],
        ["Claims"] = ["Attacks", "Experiments", "Kernels", "Linearization", "Statistics", "Training"],
        ["Baselines"] = ["Attacks", "Claims", "Data", "Experiments", "Kernels", "Linearization", "Native", "Statistics", "Training", "Util"],
        ["Reporting"] = ["Attacks", "Baselines", "Claims", "Eigenimages", "Experiments", "Kernels", "Linearization", "Statistics", "Training", "Util"],
        ["Benchmarks"] = ["Attacks", "Data", "Kernels", "Linearization", "Models", "Native", "Runs", "Training", "Util"],
        ["Cli"] = ["Attacks", "Baselines", "Benchmarks", "Data", "Eigenimages", "Experiments", "Kernels", "Linearization", "Models", "Native", "Reporting", "Runs", "Training", "Util"],
    };

    public static readonly LayerRules Rules = new(Allowed, LayerOf);

    /// <summary>NtkRepro.&lt;Folder&gt;[.*] is the folder's layer; NtkRepro.Cli[.*] is Cli.</summary>
    public static string? LayerOf(string ns)
    {
        if (ns == "NtkRepro.Cli" || ns.StartsWith("NtkRepro.Cli.", StringComparison.Ordinal)) return "Cli";
        if (ns == "NtkRepro.Tests" || ns.StartsWith("NtkRepro.Tests.", StringComparison.Ordinal)) return null;
        if (ns == "NtkRepro") return "NtkRepro"; // outside every folder: in no layer of the map
        return ns.StartsWith("NtkRepro.", StringComparison.Ordinal) ? ns.Split('.')[1] : null;
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
        var folders = Directory.GetDirectories(library).Select(Path.GetFileName).Where(d => !IsBuildOutput(d!)).ToList();
        Assert.Equal(folders.Order(StringComparer.Ordinal), Allowed.Keys.Where(k => k != "Cli").Order(StringComparer.Ordinal));
    }

    /// <summary>bin/ and obj/ of the default backend, bin-&lt;backend&gt;/ and obj-&lt;backend&gt;/ of the others (Directory.Build.props).</summary>
    private static bool IsBuildOutput(string folder) => folder is "bin" or "obj" || folder.StartsWith("bin-", StringComparison.Ordinal) || folder.StartsWith("obj-", StringComparison.Ordinal);
}
