using NtkRepro.Cli;
using NtkRepro.Cli.Commands;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Cli;

[Tier(TestTier.Fast)]
public class EigenCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = NtkRepro.Cli.Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void MissingRunFolderIsAOneLineErrorNamingIt()
    {
        var (code, _, err) = Run("eigen", "--benign", "/nonexistent/run-a", "--class", "0", "--out", TestData.TempDir("eigen-out"));
        Assert.Equal((int)ExitCode.UsageOrInput, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("/nonexistent/run-a", err);
    }

    [Fact]
    public void AFolderThatIsNotARunIsNamed()
    {
        var notRun = TestData.TempDir("eigen-not-a-run");
        var (code, _, err) = Run("eigen", "--adversarial", notRun, "--class", "0", "--out", TestData.TempDir("eigen-out"));
        Assert.Equal((int)ExitCode.UsageOrInput, code);
        Assert.Contains(notRun, err);
        Assert.Contains("not a run folder", err);
    }

    [Fact]
    public void NoRowsAndBadValuesAreErrors()
    {
        var (code, _, err) = Run("eigen", "--class", "0", "--out", TestData.TempDir("eigen-out"));
        Assert.Equal((int)ExitCode.UsageOrInput, code);
        Assert.Contains("at least one of --initial", err);
        var run = TestData.TempDir("eigen-run");
        (code, _, err) = Run("eigen", "--benign", run, "--class", "0", "--step-size", "-1", "--out", TestData.TempDir("eigen-out"));
        Assert.Equal((int)ExitCode.UsageOrInput, code);
        Assert.Contains("--step-size -1", err);
        (code, _, err) = Run("eigen", "--row", "x=" + run + "@soon", "--class", "0", "--out", TestData.TempDir("eigen-out"));
        Assert.Equal((int)ExitCode.UsageOrInput, code);
        Assert.Contains("epoch 'soon'", err);
    }

    [Theory]
    [InlineData("adv=/a/b", "adv", "/a/b", null)]
    [InlineData("mid=/a/b@7.5", "mid", "/a/b", 7.5)]
    [InlineData("x=/a@b/c@0", "x", "/a@b/c", 0.0)]
    public void RowsParse(string text, string label, string path, double? epoch)
    {
        Assert.Equal(new NtkRepro.Pipeline.Runs.EigenImageSource(label, path, epoch), EigenCommand.ParseRow(text));
    }

    [Theory]
    [InlineData("nolabel")]
    [InlineData("=/a")]
    [InlineData("a=")]
    public void MalformedRowsAreRefused(string text)
    {
        Assert.Contains(text, Assert.Throws<ArgumentException>(() => EigenCommand.ParseRow(text)).Message);
    }
}
