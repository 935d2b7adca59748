namespace NtkRepro.Pipeline.Experiments;

/// <summary>
/// The order and grouping in which <see cref="ParallelExecutor"/> hands out ready steps, and the
/// wall time that order takes when each step costs what the cost model says (the plan's estimate
/// and the progress ETA simulate the executor rather than divide compute by the workers).
/// </summary>
public sealed class WorkerSchedule(IReadOnlyList<PlanStep> steps, Func<PlanStep, double> seconds, double batchSeconds)
{
    private readonly Dictionary<string, double> _critical = CriticalPath(steps, seconds);

    /// <summary>Ready steps, longest chain of work behind them first.</summary>
    public List<PlanStep> Order(IEnumerable<PlanStep> ready) => ready.OrderByDescending(s => _critical[s.Key]).ThenBy(s => s.Key, StringComparer.Ordinal).ToList();

    /// <summary>The first ready step, with the next ones while their costs together stay under the batch limit (one process start for several small steps).</summary>
    public List<PlanStep> Batch(IReadOnlyList<PlanStep> ordered)
    {
        var batch = new List<PlanStep> { ordered[0] };
        double cost = seconds(ordered[0]);
        foreach (var s in ordered.Skip(1))
        {
            if (batchSeconds <= 0 || cost + seconds(s) > batchSeconds) break;
            batch.Add(s);
            cost += seconds(s);
        }
        return batch;
    }

    /// <summary>
    /// Wall seconds until every pending step has run on <paramref name="jobs"/> workers, the running
    /// batches finishing after their remaining seconds; each batch pays one process start.
    /// </summary>
    public double Simulate(IReadOnlySet<string> done, IReadOnlyCollection<PlanStep> pending, IReadOnlyList<(IReadOnlyList<PlanStep> Batch, double Remaining)> running, int jobs, double launchSeconds)
    {
        var finished = done.ToHashSet();
        var waiting = pending.ToHashSet();
        var busy = new PriorityQueue<IReadOnlyList<PlanStep>, double>();
        foreach (var (batch, remaining) in running) busy.Enqueue(batch, Math.Max(0, remaining));
        double now = 0;
        while (true)
        {
            while (busy.Count < jobs)
            {
                var ready = Order(waiting.Where(s => s.DependsOn.All(finished.Contains)));
                if (ready.Count == 0) break;
                var batch = Batch(ready);
                foreach (var s in batch) waiting.Remove(s);
                busy.Enqueue(batch, now + launchSeconds + batch.Sum(seconds));
            }
            if (busy.Count == 0) return now;
            busy.TryDequeue(out var ended, out now);
            foreach (var s in ended!) finished.Add(s.Key);
        }
    }

    private static Dictionary<string, double> CriticalPath(IReadOnlyList<PlanStep> steps, Func<PlanStep, double> seconds)
    {
        var dependents = steps.SelectMany(s => s.DependsOn.Select(d => (d, s))).ToLookup(p => p.d, p => p.s);
        var memo = new Dictionary<string, double>();
        double Of(PlanStep s) => memo.TryGetValue(s.Key, out var v) ? v
            : memo[s.Key] = seconds(s) + dependents[s.Key].Select(Of).DefaultIfEmpty(0).Max();
        foreach (var s in steps) Of(s);
        return memo;
    }
}
