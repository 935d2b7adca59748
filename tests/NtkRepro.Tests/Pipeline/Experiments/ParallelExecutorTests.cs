using System.Collections.Concurrent;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Pipeline.Experiments;

/// <summary>The local executor of reproduce --jobs on the smoke preset's real plan, with workers that only mark steps done (no torch).</summary>
[Tier(TestTier.Fast)]
public class ParallelExecutorTests
{
    private static readonly Plan Smoke = Planner.For(Presets.Smoke);

    private sealed class FakeStore(Func<PlanStep, bool>? fails = null, bool waitForOverlap = false)
    {
        public readonly ConcurrentDictionary<string, int> Done = new();
        public readonly ConcurrentBag<(string Key, bool DepsDone)> Order = [];
        private int _running, _maxRunning, _launches;
        private readonly ManualResetEventSlim _overlap = new();
        public int MaxRunning => _maxRunning;

        public bool IsDone(PlanStep s) => Done.ContainsKey(s.Key);

        public WorkerExit Launch(IReadOnlyList<PlanStep> steps)
        {
            int now = Interlocked.Increment(ref _running);
            InterlockedMax(ref _maxRunning, now);
            if (now >= 2) _overlap.Set();
            // The first worker waits (bounded) until a second one runs beside it: the overlap is then a property of the executor, not of the machine's load.
            if (waitForOverlap && Interlocked.Increment(ref _launches) == 1) _overlap.Wait(TimeSpan.FromSeconds(30));
            try
            {
                foreach (var s in steps)
                {
                    Order.Add((s.Key, s.DependsOn.All(Done.ContainsKey)));
                    if (fails?.Invoke(s) == true) return new WorkerExit(2, $"{s.Key}: planted failure");
                    Done[s.Key] = 1;
                }
                return new WorkerExit(0, "");
            }
            finally { Interlocked.Decrement(ref _running); }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = target) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
        }
    }

    [Fact]
    public void EveryStepRunsOnceAfterItsDependenciesWithAtMostJobsWorkers()
    {
        var store = new FakeStore(waitForOverlap: true);
        var outcome = new ParallelExecutor(Smoke, store.IsDone, 3, NullProgress.Instance) { BatchSeconds = 0 }.Run(store.Launch);
        var others = Smoke.Steps.Where(s => s.Key != Plan.ReportKey).Select(s => s.Key).Order().ToList();
        Assert.Equal(others, store.Order.Select(o => o.Key).Order());   // each once, the report left to the caller
        Assert.All(store.Order, o => Assert.True(o.DepsDone, o.Key));
        Assert.InRange(store.MaxRunning, 2, 3);
        Assert.Empty(outcome.Failed);
        Assert.Equal(others.ToHashSet(), outcome.Computed);
    }

    [Fact]
    public void AFailedStepStopsItsDependentsAndNothingElse()
    {
        var bad = Smoke.Steps.First(s => s.Work is Stage1Work w && w.Schedule == NtkRepro.Numerics.Training.ScheduleKind.Adversarial);
        var store = new FakeStore(s => s.Key == bad.Key);
        var outcome = new ParallelExecutor(Smoke, store.IsDone, 2, NullProgress.Instance) { BatchSeconds = 0 }.Run(store.Launch);
        Assert.Equal([bad.Key], outcome.Failed);
        var dependents = Transitive(bad.Key);
        Assert.Equal(dependents.Order(), outcome.Blocked.Order());
        Assert.DoesNotContain(store.Order, o => dependents.Contains(o.Key));
        var runnable = Smoke.Steps.Where(s => s.Key != Plan.ReportKey && s.Key != bad.Key && !dependents.Contains(s.Key)).Select(s => s.Key);
        Assert.All(runnable, k => Assert.True(store.Done.ContainsKey(k), k));    // like make -k
        // The same command resumes: it computes only what is left.
        var again = new FakeStore();
        foreach (var k in store.Done.Keys) again.Done[k] = 1;
        var resumed = new ParallelExecutor(Smoke, again.IsDone, 2, NullProgress.Instance).Run(again.Launch);
        Assert.Equal(dependents.Append(bad.Key).Order(), resumed.Computed.Order());
    }

    [Fact]
    public void EachEndedWorkerReportsTheCountsSoFar()
    {
        var bad = Smoke.Steps.First(s => s.Work is Stage1Work w && w.Schedule == NtkRepro.Numerics.Training.ScheduleKind.Adversarial);
        var store = new FakeStore(s => s.Key == bad.Key);
        var first = Smoke.Steps.First(s => s.DependsOn.Count == 0 && s.Key != bad.Key);
        store.Done[first.Key] = 1;
        var seen = new List<(int Computed, int Reused, int Failed)>();
        var outcome = new ParallelExecutor(Smoke, store.IsDone, 2, NullProgress.Instance)
        {
            BatchSeconds = 0,
            WorkerEnded = (computed, reused, failed) => seen.Add((computed, reused, failed)),
        }.Run(store.Launch);
        Assert.Equal(Smoke.Steps.Count - 1 - 1 - outcome.Blocked.Count, seen.Count); // one worker per step computed or failed
        Assert.All(seen, s => Assert.Equal(1, s.Reused));
        Assert.Equal(Enumerable.Range(1, seen.Count), seen.Select(s => s.Computed + s.Failed));
        Assert.Equal((outcome.Computed.Count, 1), (seen[^1].Computed, seen[^1].Failed));
    }

    [Fact]
    public void SmallReadyStepsShareAWorkerAndBigOnesRunAlone()
    {
        var store = new FakeStore();
        var batches = new ConcurrentBag<int>();
        new ParallelExecutor(Smoke, store.IsDone, 2, NullProgress.Instance) { BatchSeconds = 1e9 }
            .Run(steps => { batches.Add(steps.Count); return store.Launch(steps); });
        Assert.Contains(batches, n => n > 1);
        var single = new ConcurrentBag<int>();
        var alone = new FakeStore();
        new ParallelExecutor(Smoke, alone.IsDone, 2, NullProgress.Instance) { BatchSeconds = 0 }
            .Run(steps => { single.Add(steps.Count); return alone.Launch(steps); });
        Assert.All(single, n => Assert.Equal(1, n));
        Assert.Throws<ArgumentException>(() => new ParallelExecutor(Smoke, alone.IsDone, 0, NullProgress.Instance).Run(alone.Launch));
    }

    private static HashSet<string> Transitive(string key)
    {
        var result = new HashSet<string>();
        var frontier = new Queue<string>([key]);
        while (frontier.Count > 0)
        {
            var k = frontier.Dequeue();
            foreach (var s in Smoke.Steps.Where(s => s.Key != Plan.ReportKey && s.DependsOn.Contains(k)))
                if (result.Add(s.Key)) frontier.Enqueue(s.Key);
        }
        return result;
    }
}
