using NtkRepro.Judgement.Baselines;
using NtkRepro.Numerics.Statistics;
using NtkRepro.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace NtkRepro.Tests.Judgement.Baselines;

/// <summary>
/// The statistical mode on cross-run kernel distances, whose replicate values share runs, tested
/// on simulated runs rather than on a snapshot's own spread: each run's final kernel is its
/// schedule's mean plus independent noise, and the figures are built as the snapshot builds them
/// (replicate i: its mean distance to the other runs). A rerun is a fresh draw of every run (what
/// another instruction set does to a chaotic training run); a defect moves the AT kernels.
/// </summary>
[Tier(TestTier.Fast)]
public class CrossRunDistanceTests(ITestOutputHelper output)
{
    private const int Dimension = 40, Draws = 1000;

    private static double[] Kernel(Random rng, double shift) =>
        Enumerable.Range(0, Dimension).Select(d => (d == 0 ? shift : 0) + SimulatedRerun.Gaussian(rng)).ToArray();

    private static double S(double[] a, double[] b) => 0.5 * a.Zip(b, (x, y) => (x - y) * (x - y)).Sum() / Dimension;

    /// <summary>The three cross-run figures of n benign and n AT runs, AT kernels moved by <paramref name="shift"/> along one direction.</summary>
    private static FigureSet Snapshot(Random rng, int n, double shift)
    {
        var benign = Enumerable.Range(0, n).Select(_ => Kernel(rng, 0)).ToList();
        var at = Enumerable.Range(0, n).Select(_ => Kernel(rng, shift)).ToList();
        IReadOnlyList<double> Within(List<double[]> runs) => runs.Select((a, i) => runs.Where((_, j) => j != i).Average(b => S(a, b))).ToList();
        Figure Of(string name, IReadOnlyList<double> values) => Figure.Of($"sim.kernels.final.{name}", FigureKind.Kernel, Estimate.FromReplicates(values));
        return new FigureSet("sim",
        [
            Of("benign_to_adversarial", benign.Select(b => at.Average(a => S(b, a))).ToList()),
            Of("benign_to_benign", Within(benign)),
            Of("adversarial_to_adversarial", Within(at)),
        ], []);
    }

    private double Alarms(int n, double shift, int seed)
    {
        var rng = new Random(seed);
        int alarms = 0;
        for (int i = 0; i < Draws; i++)
            if (!SnapshotComparison.Compare(Snapshot(rng, n, 8), Snapshot(rng, n, shift)).Matches) alarms++;
        double rate = alarms / (double)Draws;
        output.WriteLine($"{n} runs per schedule, AT shift 8 → {shift}: {rate:P1} of {Draws} comparisons fail");
        return rate;
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(6)]
    public void ARerunOfTheSameRunsRaisesAFalseAlarmAtMostOneTimeInTwenty(int n) => Assert.InRange(Alarms(n, 8, n), 0, 0.065);

    [Fact]
    public void TwoRunsMeasureNoSpreadOfTheirDistancesSoTheFamilyIsLeftToTheExactMode() => Assert.Equal(0, Alarms(2, 40, 2));

    [Theory]
    [InlineData(2, 0, 3)]
    [InlineData(4, 3, 0)]
    public void TheSummaryCountsOnlyTheFiguresItCompared(int n, int compared, int notCompared)
    {
        var rng = new Random(n);
        var report = SnapshotComparison.Compare(Snapshot(rng, n, 8), Snapshot(rng, n, 8));
        Assert.Equal((compared, notCompared), (report.FiguresCompared, report.FiguresNotCompared));
        Assert.Equal(notCompared > 0, report.Summary().Contains($"{notCompared} cross-run distance(s) of fewer than three runs not compared", StringComparison.Ordinal));
        Assert.StartsWith($"preset 'sim', statistical mode (the baseline has no fingerprint): {compared} figures in", report.Summary(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void AtKernelsMovedTwiceAsFarFromTheBenignOnesFail(int n) => Assert.InRange(Alarms(n, 16, 100 + n), 0.8, 1);
}
