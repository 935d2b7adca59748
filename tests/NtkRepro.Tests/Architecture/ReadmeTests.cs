using System.Text.RegularExpressions;
using NtkRepro.Numerics.Data;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Architecture;

/// <summary>The README fits on a screen, its presets table is the code's, and every document it and docs/ link to exists.</summary>
[Tier(TestTier.Fast)]
public partial class ReadmeTests
{
    private const int MaxReadmeLines = 160;
    private const string TableStart = "<!-- generated from Presets.All (PresetTable.Markdown); ReadmeTests fails when it differs -->\n";
    private const string TableEnd = "<!-- end of generated table -->";

    private static readonly string Repo = DataRoot.RepositoryRoot() ?? throw new InvalidOperationException("the tests run outside the repository");
    private static string Readme => File.ReadAllText(Path.Combine(Repo, "README.md"));

    [Fact]
    public void TheReadmeFitsOnAScreen() => Assert.InRange(Readme.Split('\n').Length, 1, MaxReadmeLines);

    [Fact]
    public void ThePresetsTableIsTheOneThePresetsGive()
    {
        var text = Readme;
        int start = text.IndexOf(TableStart, StringComparison.Ordinal), end = text.IndexOf(TableEnd, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "README.md lacks the generated presets table's markers");
        var expected = PresetTable.Markdown();
        Assert.True(text[(start + TableStart.Length)..end] == expected, "README.md's presets table differs from the presets; put this in its place:\n" + expected);
    }

    [Fact]
    public void TheTestCommandIsTheOneCiRuns()
    {
        var ci = File.ReadAllText(Path.Combine(Repo, ".ci", "run"));
        var command = Assert.Single(Readme.Split('\n'), l => l.StartsWith("dotnet test ", StringComparison.Ordinal));
        Assert.Contains(command, ci);
    }

    /// <summary>Relative links of README.md and docs/*.md resolve to files, and their #anchors to headings there.</summary>
    [Fact]
    public void EveryLinkOfTheReadmeAndTheDocsResolves()
    {
        var pages = new[] { Path.Combine(Repo, "README.md") }.Concat(Directory.GetFiles(Path.Combine(Repo, "docs"), "*.md")).ToList();
        var broken = new List<string>();
        foreach (var page in pages)
            foreach (Match m in Link().Matches(File.ReadAllText(page)))
            {
                var target = m.Groups[1].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
                var (path, anchor) = target.Split('#', 2) is [var p, var a] ? (p, a) : (target, null);
                var file = path.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, path));
                if (!File.Exists(file) && !Directory.Exists(file)) broken.Add($"{Path.GetRelativePath(Repo, page)}: {target} (no such file)");
                else if (anchor is not null && File.Exists(file) && !Headings(file).Contains(anchor)) broken.Add($"{Path.GetRelativePath(Repo, page)}: {target} (no such heading)");
            }
        Assert.True(broken.Count == 0, string.Join("\n", broken));
        // Every page of docs/ is reachable from the README.
        var readme = Readme;
        Assert.All(pages.Skip(1), p => Assert.Contains($"](docs/{Path.GetFileName(p)}", readme));
    }

    private static HashSet<string> Headings(string file) =>
        File.ReadAllLines(file).Where(l => l.StartsWith('#')).Select(l => Slug(l.TrimStart('#'))).ToHashSet();

    /// <summary>GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens.</summary>
    private static string Slug(string heading) => NotSlug().Replace(heading.Trim().ToLowerInvariant(), "").Replace(' ', '-');

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex NotSlug();
}
