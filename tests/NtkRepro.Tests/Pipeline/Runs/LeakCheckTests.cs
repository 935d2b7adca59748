using System.Runtime.InteropServices;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace NtkRepro.Tests.Pipeline.Runs;

/// <summary>
/// The leak check of <see cref="NativeLifetimeTests"/> on planted leaks of 4 times its bound per
/// round: each is reported, and work that frees what it takes is not. Resident memory is never
/// asserted here: a leak can be absorbed by free memory malloc kept from earlier tests, and with
/// another process using the cores it rose 2.2 MiB per round on work that frees everything (the
/// native heap flat), so it is a signal only over the Smoke tier's 40 rounds.
/// </summary>
[Tier(TestTier.Fast)]
public class LeakCheckTests(ITestOutputHelper output)
{
    private const int LeakBytes = 4 << 20; // 4 times the bound per round
    private static readonly LeakCheck Check = NativeLifetimeTests.Check with { WarmUpRounds = 2, MeasuredRounds = 10, CountedRounds = 3 };

    [EnvironmentFact(TestRequirement.GlibcMalloc)]
    public void ATensorLeftUndisposedEveryRoundIsCountedAndGrowsTheNativeHeap()
    {
        var leaked = new List<torch.Tensor>();
        try
        {
            var report = Check.Run(_ => leaked.Add(torch.ones(LeakBytes / sizeof(float))));
            output.WriteLine(report.ToString());
            Assert.Equal(Check.CountedRounds, report.TensorsLeft);
            Assert.True(report.NativeHeapGrows, report.ToString());
        }
        finally
        {
            foreach (var t in leaked) t.Dispose();
        }
    }

    [EnvironmentFact(TestRequirement.GlibcMalloc)]
    public void NativeMemoryKeptEveryRoundGrowsTheNativeHeap()
    {
        var kept = new List<IntPtr>();
        var ones = Enumerable.Repeat((byte)1, LeakBytes).ToArray();
        try
        {
            var report = Check.Run(_ =>
            {
                var p = Marshal.AllocHGlobal(LeakBytes);
                kept.Add(p);
                Marshal.Copy(ones, 0, p, LeakBytes); // resident only once written
            });
            output.WriteLine(report.ToString());
            Assert.Equal(0, report.TensorsLeft);
            Assert.True(report.NativeHeapGrows, report.ToString());
        }
        finally
        {
            foreach (var p in kept) Marshal.FreeHGlobal(p);
        }
    }

    [EnvironmentFact(TestRequirement.GlibcMalloc)]
    public void WorkThatFreesWhatItTakesPasses()
    {
        var report = Check.Run(_ =>
        {
            using var t = torch.ones(LeakBytes / sizeof(float));
            using var u = t * 2;
        });
        output.WriteLine(report.ToString());
        Assert.Equal(0, report.TensorsLeft);
        Assert.False(report.NativeHeapGrows, report.ToString());
    }

    [Fact]
    public void TheSlopeIsTheLeastSquaresOne()
    {
        Assert.Equal(3.0, LeakReport.Slope([1, 4, 7, 10]), 12);
        Assert.Equal(9.0 / 35, LeakReport.Slope([0, 0, 0, 1, 1, 1]), 12);
        Assert.Equal(0.0, LeakReport.Slope([5, 9, 5, 9, 9, 5, 9, 5]), 12);
    }
}
