using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>Runs a plan in this process, wave by wave: what `ntkrepro reproduce` does.</summary>
public static class InProcessExecutor
{
    /// <summary>
    /// Runs the steps (default: all), in wave order. Overall progress is in the plan's cost units
    /// (image passes) over the steps still to compute, so the ETA is the measured rate applied to
    /// the cost model; steps the store already holds are reused and counted apart.
    /// </summary>
    /// <param name="afterStep">Called with each step's timing once it has run or been reused.</param>
    public static IReadOnlyList<StepTiming> Run(StepExecutor executor, IProgressSink progress, Func<PlanStep, bool>? which = null, Action<StepTiming>? afterStep = null)
    {
        var plan = executor.Plan;
        var steps = plan.Waves.SelectMany(w => w).Where(which ?? (_ => true)).ToList();
        var toCompute = steps.Where(s => !executor.IsDone(s)).ToHashSet();
        long total = Math.Max(1, (long)toCompute.Sum(s => s.ImagePasses));
        double done = 0;
        int computed = 0;
        string task = $"preset {plan.Preset.Name}";
        string Counts() => $"{computed}/{toCompute.Count} steps to compute, {steps.Count - toCompute.Count} reused";
        progress.Report(task, 0, total, $"{Counts()}; the cost model says {Eta.Short(TimeSpan.FromHours(plan.Hours(toCompute)))} at {plan.Preset.ImagePassesPerSecond:N0} image passes/s");
        var timings = new List<StepTiming>();
        foreach (var step in steps)
        {
            timings.Add(executor.Run(step));
            afterStep?.Invoke(timings[^1]);
            if (!toCompute.Contains(step)) continue;
            done += step.ImagePasses;
            computed++;
            progress.Report(task, computed == toCompute.Count ? total : Math.Min(total - 1, (long)done), total, $"{Counts()}; last: {step.Key}");
        }
        return timings;
    }
}
