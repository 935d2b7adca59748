using NtkRepro.Judgement.Baselines;
using NtkRepro.Numerics.Native;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Judgement.Baselines;

/// <summary>The side-by-side table of two runs of one preset (CUDA against the CPU), and why a CUDA run is never compared bit for bit.</summary>
[Tier(TestTier.Fast)]
public class SideBySideTests
{
    [Fact]
    public void SharedFiguresAreListedWithTheirDifferenceInCombinedStandardErrors()
    {
        var a = new FigureSet("p", [SnapshotComparisonTests.Of("x", FigureKind.Accuracy, [0.5, 0.6]), SnapshotComparisonTests.Of("only-a", FigureKind.Accuracy, [0.1, 0.2])], []);
        var b = new FigureSet("p", [SnapshotComparisonTests.Of("x", FigureKind.Accuracy, [0.7, 0.8]), SnapshotComparisonTests.Of("only-b", FigureKind.Kernel, [1, 2])], []);
        var table = SideBySide.Markdown(a, b, "cuda", "cpu");
        var lines = table.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Equal("| figure | cuda | cpu | difference | difference / combined SE |", lines[0]);
        var row = Assert.Single(lines, l => l.StartsWith("| x |"));
        // Means 0.55 and 0.75, each with standard error 0.05: a difference of 0.2, 0.2 / √(0.05² + 0.05²) = 2.83 combined standard errors.
        var cells = row.Split('|', StringSplitOptions.TrimEntries);
        Assert.Equal(0.2, double.Parse(cells[4], System.Globalization.CultureInfo.InvariantCulture), 6);
        Assert.Equal(0.2 / Math.Sqrt(2 * 0.05 * 0.05), double.Parse(cells[5], System.Globalization.CultureInfo.InvariantCulture), 2);
        Assert.DoesNotContain(lines, l => l.StartsWith("| only-"));
        Assert.Contains("1 figures in both; 1 only in cuda, 1 only in cpu.", table);
    }

    [Fact]
    public void ACudaRunIsComparedStatisticallyEvenWhenItsFingerprintMatches()
    {
        var a = SnapshotComparisonTests.Constructed();
        var onCuda = a.Fingerprint! with { Machine = MachineDescription.CudaPrefix + "cuda:0 of 1 visible; host " + a.Fingerprint.Machine };
        var (mode, why) = SnapshotComparison.ModeOf(onCuda, onCuda);
        Assert.Equal(ComparisonMode.Statistical, mode);
        Assert.Contains("CUDA", why);
        Assert.Equal(ComparisonMode.Exact, SnapshotComparison.ModeOf(a.Fingerprint, a.Fingerprint).Item1);
    }
}
