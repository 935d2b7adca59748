using NtkRepro.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace NtkRepro.Tests.Runs;

/// <summary>
/// Kernel analysis, evaluation and attacks release every native object they create: repeated,
/// they leave no tensor behind (none left for the finalizer thread) and resident memory flat.
/// </summary>
[Tier(TestTier.Smoke)]
public class NativeLifetimeTests(ITestOutputHelper output)
{
    private const int WarmUpRounds = 5, MeasuredRounds = 30;
    private const long ResidentGrowthBound = 24L << 20;

    [Fact]
    public void RepeatedAnalysisAndEvaluationNeitherLeakTensorsNorGrowResidentMemory()
    {
        using var workload = new AnalysisWorkload();
        for (int i = 0; i < WarmUpRounds; i++) workload.RunOnce(i);
        NativeFootprint.CollectGarbage(); // whatever set-up left behind, finalized now, not during the measured rounds
        var before = NativeFootprint.Now();
        for (int i = 0; i < MeasuredRounds; i++) workload.RunOnce(WarmUpRounds + i);
        var after = NativeFootprint.Now();
        output.WriteLine($"after {WarmUpRounds} warm-up rounds: {before}; after {MeasuredRounds} more: {after}");
        // No GC in between: a tensor left to the finalizer would still be counted here.
        Assert.Equal(before.LiveTensors, after.LiveTensors);
        Assert.True(after.ResidentBytes - before.ResidentBytes < ResidentGrowthBound,
            $"resident memory grew by {(after.ResidentBytes - before.ResidentBytes) / 1048576.0:F1} MiB over {MeasuredRounds} rounds");
    }
}
