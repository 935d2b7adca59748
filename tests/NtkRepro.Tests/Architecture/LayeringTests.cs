using System.Text.RegularExpressions;
using NtkRepro.Data;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Architecture;

/// <summary>
/// The library's folders form a straight line of layers: a folder may use only the folders
/// before it. Read from the source (namespace references), so a new cycle fails here.
/// </summary>
[Tier(TestTier.Fast)]
public partial class LayeringTests
{
    public static readonly string[] Layers =
        ["Native", "Util", "Statistics", "Data", "Models", "Linearization", "Kernels", "Attacks", "Training", "Runs", "Eigenimages", "Experiments", "Claims", "Reporting", "Benchmarks"];

    [Fact]
    public void EveryFolderUsesOnlyTheLayersBeforeIt()
    {
        var library = Path.Combine(DataRoot.RepositoryRoot()!, "src", "NtkRepro");
        var folders = Directory.GetDirectories(library).Select(Path.GetFileName).Where(d => d is not ("bin" or "obj")).ToList();
        Assert.Equal(folders.Order(), Layers.Order());
        var violations = new List<string>();
        foreach (var folder in folders)
        {
            int rank = Array.IndexOf(Layers, folder);
            foreach (var file in Directory.GetFiles(Path.Combine(library, folder!), "*.cs", SearchOption.AllDirectories))
                foreach (Match m in Reference().Matches(File.ReadAllText(file)))
                {
                    int used = Array.IndexOf(Layers, m.Groups[1].Value);
                    if (used > rank) violations.Add($"{Path.GetRelativePath(library, file)} uses {m.Groups[1].Value}");
                }
        }
        Assert.True(violations.Count == 0, "layering violations:\n" + string.Join("\n", violations.Distinct()));
    }

    [GeneratedRegex(@"\bNtkRepro\.([A-Z][A-Za-z]+)\b")]
    private static partial Regex Reference();
}
