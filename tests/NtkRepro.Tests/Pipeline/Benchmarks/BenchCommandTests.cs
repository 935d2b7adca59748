using NtkRepro.Cli;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Pipeline.Benchmarks;

/// <summary>bench runs on a tiny configuration and prints every row; the peer's skip paths. Nothing about speed.</summary>
[Tier(TestTier.Fast)]
public class BenchCommandTests
{
    private static readonly string[] Tiny = ["bench", "--width", "2", "--resnet-width", "2", "--batch", "4", "--rounds", "2", "--warmup", "1"];

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = NtkRepro.Cli.Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void TinyBenchPrintsTheMachineAndEveryRow()
    {
        var (code, output, error) = Run([.. Tiny, "--ntk-points", "3", "--ntk-rounds", "1", "--reference", "--consecutive", "2"]);
        Assert.True(code == 0, error);
        Assert.Contains("each round times 2 consecutive steps of every training and PGD variant, the NTK once", output);
        Assert.Contains("machine: ", output);
        Assert.Contains("convolutions: ", output);
        Assert.DoesNotContain("peer", output.Split('\n').Where(l => l.StartsWith("model")).Single());
        var rows = output.Split('\n').Where(l => l.StartsWith("small-cnn w2") || l.StartsWith("resnet18 w2")).ToList();
        string[] variants = ["standard", "linearized", "centered", "linearized-double-backward", "pgd-centered"];
        foreach (var model in new[] { "small-cnn w2", "resnet18 w2" })
            foreach (var variant in variants)
                Assert.Single(rows, r => r.StartsWith(model) && r.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2] == variant);
        Assert.Single(rows, r => r.Contains("ntk class blocks N=3"));
        Assert.Single(rows, r => r.Contains("ntk rows only N=3"));
        Assert.Equal(2 * variants.Length + 2, rows.Count);
        Assert.All(rows, r => Assert.Matches(@"\d+(\.\d)? \(\d+(\.\d)?–\d+(\.\d)?\)", r)); // median (min–max)
    }

    [Fact]
    public void PeerWithoutPythonIsSkippedWithTheReasonAndOursStillRun()
    {
        var (code, output, error) = Run([.. Tiny, "--no-resnet", "--ntk-points", "0", "--peer", "--peer-python", "/nonexistent/python3"]);
        Assert.True(code == 0, error);
        Assert.Contains("peer: skipped: /nonexistent/python3 not found", output);
        Assert.Contains(output.Split('\n'), l => l.StartsWith("small-cnn w2") && l.Contains(" standard "));
    }

    [EnvironmentFact(TestRequirement.PosixShell)] // the stand-in interpreter is a shell script
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void PeerThatCannotImportTorchIsSkippedWithItsMessage()
    {
        var dir = TestData.TempDir("peer");
        var python = Path.Combine(dir, "python3");
        // Stands in for a Python without torch: answers as peer_bench.py does when its imports fail.
        File.WriteAllText(python, "#!/bin/sh\necho '{\"error\": \"torch is not importable under /stand-in/python3\"}'\nexit 3\n");
        File.SetUnixFileMode(python, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var script = Path.Combine(dir, "peer_bench.py");
        File.WriteAllText(script, "");
        var (code, output, error) = Run([.. Tiny, "--no-resnet", "--ntk-points", "0", "--peer", "--peer-python", python, "--peer-script", script]);
        Assert.True(code == 0, error);
        Assert.Contains("peer: skipped: torch is not importable under /stand-in/python3", output);
    }

    [EnvironmentFact(TestRequirement.PyTorchPeer)]
    public void ThePeerTimesOurVariantsInItsLayouts()
    {
        var (code, output, error) = Run([.. Tiny, "--no-resnet", "--ntk-points", "0", "--peer"]);
        Assert.True(code == 0, error);
        Assert.Contains(output.Split('\n'), l => l.StartsWith("peer: PyTorch "));
        Assert.Contains(output.Split('\n'), l => l.StartsWith("model") && l.Contains("peer nchw") && l.Contains("ours/peer"));
    }

    [Fact]
    public void BadCountsAreAOneLineError()
    {
        var (code, _, error) = Run("bench", "--rounds", "0");
        Assert.Equal((int)ExitCode.UsageOrInput, code);
        Assert.Contains("--rounds 0: must be at least 1", error);
        (code, _, error) = Run("bench", "--consecutive", "0");
        Assert.Equal((int)ExitCode.UsageOrInput, code);
        Assert.Contains("--consecutive 0: must be at least 1", error);
    }
}
