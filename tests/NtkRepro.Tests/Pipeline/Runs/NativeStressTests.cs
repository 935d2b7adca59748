using NtkRepro.Numerics.Native;
using NtkRepro.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace NtkRepro.Tests.Pipeline.Runs;

/// <summary>
/// Hundreds of rounds of kernel analysis, evaluation and PGD in one process, with garbage
/// collections forced in between so that anything left to the finalizer thread is finalized
/// while libtorch is busy: a use-after-dispose or a native crash ends the process; a round that
/// throws is recorded and the rounds go on, so that a crash after it still shows. On demand
/// (<c>dotnet test --filter Tier=Stress</c>); NTKREPRO_STRESS_ROUNDS sets the rounds (default 300),
/// NTKREPRO_STRESS_LOG a file to follow progress in.
/// </summary>
[Tier(TestTier.Stress)]
public class NativeStressTests(ITestOutputHelper output)
{
    [Fact]
    public void HundredsOfAnalysisAndEvaluationRoundsRunToTheEnd()
    {
        int rounds = int.TryParse(Environment.GetEnvironmentVariable("NTKREPRO_STRESS_ROUNDS"), out var r) ? r : 300;
        var log = Environment.GetEnvironmentVariable("NTKREPRO_STRESS_LOG") ?? Path.Combine(TestData.TempDir("stress"), "progress.log");
        using var workload = new AnalysisWorkload();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        workload.RunOnce(0);
        NativeFootprint.CollectGarbage();
        var start = NativeFootprint.Now();
        long finalized = 0; // tensors that were left to the finalizer thread
        var failures = new List<string>();
        for (int i = 1; i < rounds; i++)
        {
            try
            {
                workload.RunOnce(i);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidDataException)
            {
                // Keep going: what matters here is whether the process survives; the failures are reported at the end.
                failures.Add($"round {i + 1}: {e.GetType().Name}: {e.Message}");
                File.AppendAllText(log, failures[^1] + "\n");
            }
            if (i % 5 == 4) finalized += CollectedTensors();
            if (i % 25 == 24 || i == rounds - 1)
                File.AppendAllText(log, $"stress round {i + 1}/{rounds}: {NativeFootprint.Now()}, {finalized} tensors finalized so far ({watch.Elapsed.TotalSeconds:F0}s)\n");
        }
        finalized += CollectedTensors();
        var end = NativeFootprint.Now();
        output.WriteLine($"{rounds} rounds on {CpuConvolution.Description}: from {start} to {end}; {finalized} tensors finalized by the GC; {failures.Count} rounds failed");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(0, finalized);
        Assert.Equal(start.LiveTensors, end.LiveTensors);
    }

    private static long CollectedTensors()
    {
        long before = TorchSharp.torch.Tensor.TotalCount;
        NativeFootprint.CollectGarbage();
        return before - TorchSharp.torch.Tensor.TotalCount;
    }
}
