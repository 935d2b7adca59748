using System.Diagnostics;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Pipeline.Experiments;

/// <summary>The per-step lock: exclusive, waited for, and released by the kernel when its holder dies.</summary>
[Tier(TestTier.Fast)]
public class StepLockTests
{
    private sealed class Lines : IProgressSink
    {
        public readonly List<string> Logged = [];
        public void Report(string task, long done, long total, string detail) { }
        public void Log(string line) { lock (Logged) Logged.Add(line); }
    }

    [Fact]
    public void ASecondHolderIsRefusedUntilTheFirstReleases()
    {
        var store = new ArtifactStore(TestData.TempDir("lock"));
        using (var first = StepLock.TryAcquire(store, "a/r0/stage1/benign"))
        {
            Assert.NotNull(first);
            Assert.Null(StepLock.TryAcquire(store, "a/r0/stage1/benign"));
            using var other = StepLock.TryAcquire(store, "a/r1/stage1/benign");
            Assert.NotNull(other);
        }
        using var again = StepLock.TryAcquire(store, "a/r0/stage1/benign");
        Assert.NotNull(again);
    }

    [Fact]
    public async Task AcquireWaitsForTheHolderAndSaysSoOnce()
    {
        var store = new ArtifactStore(TestData.TempDir("lock"));
        var progress = new Lines();
        var first = StepLock.TryAcquire(store, "k")!;
        var release = Task.Run(() => { Thread.Sleep(400); first.Dispose(); });
        var watch = Stopwatch.StartNew();
        using (StepLock.Acquire(store, "k", progress, TimeSpan.FromMilliseconds(20)))
            Assert.True(release.IsCompleted || watch.ElapsedMilliseconds >= 350, "acquired while the first holder still held the lock");
        await release;
        Assert.Single(progress.Logged, l => l.StartsWith("waiting: k is being computed by another process", StringComparison.Ordinal));
    }

    [EnvironmentFact(TestRequirement.Flock)]
    public void ALockHeldByAnotherProcessIsRefusedAndFreedWhenThatProcessIsKilled()
    {
        var store = new ArtifactStore(TestData.TempDir("lock"));
        var path = StepLock.PathOf(store, "v/r0/stage1/adversarial");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var ready = path + ".ready";
        // --close: only flock itself holds the lock, not the shell and sleep it starts, so its death alone must free it.
        using var holder = Process.Start(new ProcessStartInfo("flock", ["--exclusive", "--close", path, "sh", "-c", $"touch '{ready}'; sleep 60"]))!;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!File.Exists(ready) && DateTime.UtcNow < deadline) Thread.Sleep(20);
            Assert.True(File.Exists(ready), "the flock process never took the lock");
            Assert.Null(StepLock.TryAcquire(store, "v/r0/stage1/adversarial"));
        }
        finally
        {
            holder.Kill(entireProcessTree: true);   // SIGKILL: nothing of the holder runs to release the lock
            holder.WaitForExit();
        }
        using var after = StepLock.TryAcquire(store, "v/r0/stage1/adversarial");
        Assert.NotNull(after);
    }
}

/// <summary>Two processes given the same step at once: one computes it, the other waits and reuses it.</summary>
[Tier(TestTier.Smoke)]
public class TwoWriterTests
{
    [Fact]
    public async Task TwoRunStepProcessesOnOneStepComputeItOnce()
    {
        var store = TestData.TempDir("two-writers");
        var key = Planner.For(Presets.Smoke).Steps.First(s => s.Work is Stage1Work { Schedule: NtkRepro.Numerics.Training.ScheduleKind.Adversarial }).Key;
        string[] args = ["run-step", key, "--preset", "smoke", "--store", store];
        var runs = Enumerable.Range(0, 2).Select(_ => Task.Run(() => CliProcess.Run(args))).ToArray();
        var results = await Task.WhenAll(runs);
        Assert.All(results, r => Assert.True(r.Code == 0, r.Output));
        var outputs = results.Select(r => r.Output).ToList();
        Assert.Equal(1, outputs.Count(o => o.Contains($"done: {key} (", StringComparison.Ordinal)));
        Assert.Equal(1, outputs.Count(o => o.Contains($"reused: {key}", StringComparison.Ordinal)));
    }
}
