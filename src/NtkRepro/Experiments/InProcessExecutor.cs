using NtkRepro.Util;

namespace NtkRepro.Experiments;

/// <summary>Runs a plan in this process, wave by wave: what `ntkrepro reproduce` does.</summary>
public static class InProcessExecutor
{
    /// <param name="which">The steps to run (default: all), in wave order.</param>
    public static IReadOnlyList<StepTiming> Run(StepExecutor executor, IProgressSink progress, Func<PlanStep, bool>? which = null)
    {
        var plan = executor.Plan;
        var steps = plan.Waves.SelectMany(w => w).Where(which ?? (_ => true)).ToList();
        var timings = new List<StepTiming>();
        foreach (var step in steps)
        {
            timings.Add(executor.Run(step));
            progress.Report($"preset {plan.Preset.Name}", timings.Count, steps.Count, step.Key);
        }
        return timings;
    }
}
