using NtkRepro.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace NtkRepro.Tests.Pipeline.Runs;

/// <summary>
/// Kernel analysis, evaluation and attacks release every native object they create: repeated,
/// they leave no tensor behind (none left for the finalizer thread) and resident memory flat.
/// </summary>
[Tier(TestTier.Smoke)]
public class NativeLifetimeTests(ITestOutputHelper output)
{
    // Measured on 2 cores with the garbage collected after each round: the allocator's arenas grow in
    // steps for the first rounds and are flat by about round 60 (resident memory 0.12-0.17 MiB per
    // round over rounds 10-39 and under 0.03 from round 40 on, the native heap flat throughout);
    // this test's slopes were -0.29 to +0.14 MiB per round (resident) and -0.19 to +0.16 (heap) in
    // 11 runs. A leak of 1 MiB per round fails it, and a leaked tensor of any size fails the count.
    public static readonly LeakCheck Check = new(WarmUpRounds: 10, MeasuredRounds: 40, CountedRounds: 5, SlopeBoundBytesPerRound: 1L << 20);

    [Fact]
    public void RepeatedAnalysisAndEvaluationNeitherLeakTensorsNorGrowResidentMemory()
    {
        using var workload = new AnalysisWorkload();
        var report = Check.Run(workload.RunOnce);
        output.WriteLine(report.ToString());
        Assert.True(report.TensorsLeft == 0, report.ToString());
        Assert.False(report.NativeHeapGrows, report.ToString());
        Assert.False(report.ResidentMemoryGrows, report.ToString());
    }
}
