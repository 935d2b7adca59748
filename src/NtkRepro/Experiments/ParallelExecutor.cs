using System.Diagnostics;
using NtkRepro.Util;

namespace NtkRepro.Experiments;

/// <summary>How a worker process that ran some steps ended: its exit status and the last lines it wrote (for a failure's message).</summary>
public sealed record WorkerExit(int ExitCode, string Tail);

/// <summary>
/// Runs a plan's steps side by side in worker processes (`reproduce --jobs N`), each worker the
/// `run-step` path that schedulers call, so the store stays the only state steps share and a
/// crashing step takes no other with it. Ready steps go out longest critical path first; small
/// ready steps travel in one worker so a process start is paid once for several. A step that fails
/// stops its dependents and nothing else; everything else that can run, runs (as `make -k` does).
/// </summary>
public sealed class ParallelExecutor(Plan plan, Func<PlanStep, bool> isDone, int jobs, IProgressSink progress)
{
    /// <summary>Steps whose estimated cost is below this many seconds share a worker with other ready steps.</summary>
    public double BatchSeconds { get; init; } = 20;

    /// <param name="Computed">The steps the workers finished in this run.</param>
    public sealed record Outcome(IReadOnlyList<string> Failed, IReadOnlyList<string> Blocked, IReadOnlySet<string> Computed);

    /// <param name="launch">Runs the steps (in order) in a worker and returns how it ended; called on a pool thread.</param>
    public Outcome Run(Func<IReadOnlyList<PlanStep>, WorkerExit> launch, Func<PlanStep, bool>? which = null)
    {
        if (jobs < 1) throw new ArgumentException($"--jobs {jobs}: expected at least 1");
        var steps = plan.Steps.Where(s => s.Key != Plan.ReportKey).Where(which ?? (_ => true)).ToList();
        var done = plan.Steps.Where(s => s.Key != Plan.ReportKey && isDone(s)).Select(s => s.Key).ToHashSet();
        var pending = steps.Where(s => !done.Contains(s.Key)).ToHashSet();
        var critical = CriticalPath(steps);
        var failed = new List<string>();
        var blocked = new HashSet<string>();
        var running = new Dictionary<Task<WorkerExit>, IReadOnlyList<PlanStep>>();
        double total = Math.Max(1, pending.Sum(s => s.ImagePasses)), finished = 0;
        var watch = Stopwatch.StartNew();
        int toCompute = pending.Count, reused = done.Count;
        var toComputeKeys = pending.Select(s => s.Key).ToHashSet();
        progress.Log($"{toCompute} steps to compute with {jobs} worker(s), {steps.Count - toCompute} reused; the cost model says {Eta.Short(TimeSpan.FromHours(plan.Hours(pending) / jobs))} of wall time");

        string title = $"preset {plan.Preset.Name}";
        progress.Report(title, 0, (long)total, $"0/{toCompute} steps");
        bool Ready(PlanStep s) => s.DependsOn.All(done.Contains);
        while (pending.Count > 0 || running.Count > 0)
        {
            while (running.Count < jobs)
            {
                var ready = pending.Where(Ready).OrderByDescending(s => critical[s.Key]).ToList();
                if (ready.Count == 0) break;
                var batch = Batch(ready);
                foreach (var s in batch) pending.Remove(s);
                running[Task.Run(() => launch(batch))] = batch;
            }
            if (running.Count == 0) break;
            var task = Task.WhenAny(running.Keys).GetAwaiter().GetResult();
            var ran = running[task];
            running.Remove(task);
            var exit = task.IsFaulted ? new WorkerExit(-1, task.Exception!.GetBaseException().Message) : task.Result;
            foreach (var s in ran)
            {
                if (isDone(s))
                {
                    done.Add(s.Key);
                    finished += s.ImagePasses;
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
            var elapsed = watch.Elapsed;
            progress.Report(title, (long)finished, (long)total,
                $"{done.Count - reused}/{toCompute} steps, {running.Count} running: {string.Join(", ", running.Values.Select(b => b[0].Key + (b.Count > 1 ? $" +{b.Count - 1}" : "")))}");
        }
        foreach (var s in pending)
        {
            blocked.Add(s.Key);
            progress.Log($"not run: {s.Key} (it depends on steps outside this selection that have not run: {string.Join(", ", s.DependsOn.Where(d => !done.Contains(d)).Take(3))})");
        }
        foreach (var b in blocked.Except(pending.Select(s => s.Key))) progress.Log($"not run: {b} (a step it depends on failed)");
        return new Outcome(failed, blocked.ToList(), done.Where(toComputeKeys.Contains).ToHashSet());
    }

    private List<PlanStep> Batch(List<PlanStep> ready)
    {
        double limit = BatchSeconds * plan.Preset.ImagePassesPerSecond;
        var batch = new List<PlanStep> { ready[0] };
        double cost = ready[0].ImagePasses;
        foreach (var s in ready.Skip(1))
        {
            if (limit <= 0 || cost + s.ImagePasses > limit) break;
            batch.Add(s);
            cost += s.ImagePasses;
        }
        return batch;
    }

    /// <summary>Each step's cost plus the costliest chain of steps that wait on it.</summary>
    private static Dictionary<string, double> CriticalPath(IReadOnlyList<PlanStep> steps)
    {
        var dependents = steps.SelectMany(s => s.DependsOn.Select(d => (d, s))).ToLookup(p => p.d, p => p.s);
        var memo = new Dictionary<string, double>();
        double Of(PlanStep s) => memo.TryGetValue(s.Key, out var v) ? v
            : memo[s.Key] = s.ImagePasses + dependents[s.Key].Select(Of).DefaultIfEmpty(0).Max();
        foreach (var s in steps) Of(s);
        return memo;
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
