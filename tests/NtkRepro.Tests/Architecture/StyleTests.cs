using NtkRepro.Numerics.Data;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Architecture;

/// <summary>
/// The style rules fail the build: a throwaway project under the repository's own .editorconfig and
/// Directory.Build.* files builds when clean and fails, naming file and line, on a planted unused
/// using, a private field named against the rules and a line over the length limit.
/// </summary>
[Tier(TestTier.Smoke)]
public class StyleTests
{
    private static readonly string Repo = DataRoot.RepositoryRoot() ?? throw new InvalidOperationException("the tests run outside the repository");

    private const string Clean = """
        namespace Planted;

        public sealed class Counter
        {
            private int _count;

            public int Next() => ++_count;
        }
        """;

    [Fact]
    public void PlantedStyleViolationsFailTheBuildAndACleanFileBuilds()
    {
        var (code, output) = Build(Clean);
        Assert.True(code == 0, "the clean planted project did not build:\n" + output);

        string longLine = "public const string Long = \"" + new string('x', 200) + "\";";
        var dirty = "using System.Text;\n" + Clean.Replace("private int _count;", "private int count;").Replace("++_count", "++count")
            .Replace("public int Next()", longLine + "\n\n    public int Next()");
        (code, output) = Build(dirty);
        Assert.NotEqual(0, code);
        Assert.Matches(@"Planted\.cs\(1,\d+\): error IDE0005", output);        // the unused using
        Assert.Matches(@"Planted\.cs\(\d+,\d+\): error IDE1006", output);      // 'count' without its underscore
        Assert.Matches(@"Planted\.cs\(8,201,8,234\): error LINE001: line of 234 characters", output);
    }

    /// <summary>Builds one file in a project beside copies of the repository's build and style files.</summary>
    private static (int Code, string Output) Build(string source)
    {
        var dir = TestData.TempDir("style");
        foreach (var f in new[] { ".editorconfig", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            File.Copy(Path.Combine(Repo, f), Path.Combine(dir, f));
        File.WriteAllText(Path.Combine(dir, "Planted.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\" />\n");
        File.WriteAllText(Path.Combine(dir, "Planted.cs"), source + "\n");
        return ExternalProcess.Run("dotnet", ["build", "-v", "q", "-nologo", "-p:UseSharedCompilation=false"], TimeSpan.FromMinutes(5), dir);
    }
}
