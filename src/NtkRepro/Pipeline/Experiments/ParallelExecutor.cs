using System.Diagnostics;
using NtkRepro.Numerics.Util;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>How a worker process that ran some steps ended: its exit status and the last lines it wrote (for a failure's message).</summary>
public sealed record WorkerExit(int ExitCode, string Tail);

/// <summary>
/// Runs a plan's steps side by side in worker processes (`reproduce --jobs N`), each worker the
/// `run-step` path that schedulers call, so the store stays the only state steps share and a
/// crashing step takes no other with it. Ready steps go out longest critical path first; small
/// ready steps travel in one worker so a process start is paid once for several. A step that fails
/// stops its dependents and nothing else; everything else that can run, runs (as `make -k` does).
/// The ETA simulates this schedule with the cost model's step times.
/// </summary>
public sealed class ParallelExecutor(Plan plan, Func<PlanStep, bool> isDone, int jobs, IProgressSink progress, CostModel? costs = null)
{
    /// <summary>Steps whose estimated cost is below this many seconds share a worker with other ready steps.</summary>
    public double BatchSeconds { get; init; } = 20;

    /// <summary>Called after each worker ends, with the steps computed so far in this run, those reused and those failed.</summary>
    public Action<int, int, int>? WorkerEnded { get; init; }

    /// <param name="Computed">The steps the workers finished in this run.</param>
    /// <param name="FirstEstimateSeconds">The wall time the cost model gave before anything ran.</param>
    public sealed record Outcome(IReadOnlyList<string> Failed, IReadOnlyList<string> Blocked, IReadOnlySet<string> Computed, double FirstEstimateSeconds = 0);

    /// <param name="launch">Runs the steps (in order) in a worker and returns how it ended; called on a pool thread.</param>
    public Outcome Run(Func<IReadOnlyList<PlanStep>, WorkerExit> launch, Func<PlanStep, bool>? which = null)
    {
        if (jobs < 1) throw new ArgumentException($"--jobs {jobs}: expected at least 1");
        var model = costs ?? new CostModel(plan, null, 0);
        var steps = plan.Steps.Where(s => s.Key != Plan.ReportKey).Where(which ?? (_ => true)).ToList();
        var schedule = new WorkerSchedule(steps, model.Seconds, BatchSeconds);
        var done = plan.Steps.Where(s => s.Key != Plan.ReportKey && isDone(s)).Select(s => s.Key).ToHashSet();
        var pending = steps.Where(s => !done.Contains(s.Key)).ToHashSet();
        var failed = new List<string>();
        var blocked = new HashSet<string>();
        var running = new Dictionary<Task<WorkerExit>, (IReadOnlyList<PlanStep> Batch, TimeSpan Started)>();
        var watch = Stopwatch.StartNew();
        int toCompute = pending.Count, reused = done.Count;
        var toComputeKeys = pending.Select(s => s.Key).ToHashSet();
        double Remaining() => schedule.Simulate(done, pending,
            running.Values.Select(r => (r.Batch, r.Batch.Sum(model.Seconds) - (watch.Elapsed - r.Started).TotalSeconds)).ToList(), jobs, model.LaunchSeconds);
        double first = Remaining();
        progress.Log($"{toCompute} steps to compute with {jobs} worker(s), {steps.Count - toCompute} reused; about {Eta.Short(TimeSpan.FromSeconds(first))} of wall time by {model.Describe()}");

        string title = $"preset {plan.Preset.Name}";
        void Report()
        {
            // Seconds elapsed of elapsed + simulated remaining, so the sink's ETA is the simulation's (none before a second has passed).
            double elapsed = watch.Elapsed.TotalSeconds;
            progress.Report(title, (long)elapsed, (long)(elapsed + (pending.Count + running.Count == 0 ? 0 : Remaining())),
                $"{done.Count - reused}/{toCompute} steps, {running.Count} running: " +
                    $"{string.Join(", ", running.Values.Select(r => r.Batch[0].Key + (r.Batch.Count > 1 ? $" +{r.Batch.Count - 1}" : "")))}");
        }
        bool Ready(PlanStep s) => s.DependsOn.All(done.Contains);
        while (pending.Count > 0 || running.Count > 0)
        {
            while (running.Count < jobs)
            {
                var ready = schedule.Order(pending.Where(Ready));
                if (ready.Count == 0) break;
                var batch = schedule.Batch(ready);
                foreach (var s in batch) pending.Remove(s);
                running[Task.Run(() => launch(batch))] = (batch, watch.Elapsed);
            }
            if (running.Count == 0) break;
            Report();
            var task = Task.WhenAny(running.Keys).GetAwaiter().GetResult();
            var ran = running[task].Batch;
            running.Remove(task);
            var exit = task.IsFaulted ? new WorkerExit(-1, task.Exception!.GetBaseException().Message) : task.Result;
            foreach (var s in ran)
            {
                if (isDone(s))
                {
                    done.Add(s.Key);
                    continue;
                }
                failed.Add(s.Key);
                progress.Log($"failed: {s.Key} (worker exit {exit.ExitCode}): {exit.Tail}");
            }
            foreach (var b in Dependents(steps, failed).Where(pending.Contains).ToList())
            {
                pending.Remove(b);
                blocked.Add(b.Key);
            }
            WorkerEnded?.Invoke(done.Count - reused, reused, failed.Count);
        }
        foreach (var s in pending)
        {
            blocked.Add(s.Key);
            progress.Log($"not run: {s.Key} (it depends on steps outside this selection that have not run: {string.Join(", ", s.DependsOn.Where(d => !done.Contains(d)).Take(3))})");
        }
        foreach (var b in blocked.Except(pending.Select(s => s.Key))) progress.Log($"not run: {b} (a step it depends on failed)");
        return new Outcome(failed, blocked.ToList(), done.Where(toComputeKeys.Contains).ToHashSet(), first);
    }

    private static IEnumerable<PlanStep> Dependents(IReadOnlyList<PlanStep> steps, IReadOnlyCollection<string> failed)
    {
        var bad = failed.ToHashSet();
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var s in steps)
                if (!bad.Contains(s.Key) && s.DependsOn.Any(bad.Contains)) changed = bad.Add(s.Key) || changed;
        }
        return steps.Where(s => bad.Contains(s.Key) && !failed.Contains(s.Key));
    }
}
