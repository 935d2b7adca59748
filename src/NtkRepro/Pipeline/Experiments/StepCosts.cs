using System.Reflection;
using System.Text.RegularExpressions;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>
/// Measured seconds of a preset's steps, by cost class (a step key without its replicate: the
/// replicates of a class do the same work), on one machine whose speed the calibration workload
/// measured. Kept with the preset (an embedded resource, Experiments/Costs/&lt;preset&gt;.json) and
/// refreshed from a complete run's store with `ntkrepro costs`.
/// </summary>
/// <param name="CalibrationSeconds">The calibration workload's time on the machine the costs come from.</param>
/// <param name="LaunchSeconds">What starting a worker process costs, besides its steps.</param>
public sealed record StepCosts(string Preset, string Machine, double CalibrationSeconds, double LaunchSeconds, IReadOnlyDictionary<string, double> Seconds)
{
    private static readonly Regex Replicate = new("/r[0-9]+/", RegexOptions.Compiled);

    /// <summary>The step's cost class: its key without the replicate.</summary>
    public static string ClassOf(string key) => Replicate.Replace(key, "/");

    /// <summary>The costs kept with a preset, or null where none were measured.</summary>
    public static StepCosts? Kept(string preset)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"NtkRepro.Pipeline.Experiments.Costs.{preset}.json");
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return Json.Deserialize<StepCosts>(reader.ReadToEnd(), $"the costs kept for preset '{preset}'");
    }

    /// <summary>
    /// The costs of a finished store: each class costs what its median replicate took; a training
    /// step's, epoch by epoch (a replicate slowed for a few minutes counts only where it was slow),
    /// plus its median setup. The median, not the fastest: the fastest of several replicates, epoch
    /// by epoch, is the luckiest of each epoch's draws, below what any one replicate takes, and an
    /// ETA built on it comes out short. A step without a timing is left out.
    /// </summary>
    public static StepCosts Measure(Plan plan, ArtifactStore store, string machine, double calibrationSeconds, double launchSeconds)
    {
        var seconds = new Dictionary<string, double>();
        foreach (var group in plan.Steps.Where(s => s.Key != Plan.ReportKey).GroupBy(s => ClassOf(s.Key)))
        {
            var timed = group.Select(s => (Step: s, Timing: store.ReadTiming(s.Key))).Where(t => t.Timing is { Cached: false }).ToList();
            if (timed.Count == 0) continue;
            var curves = timed.Select(t => EpochSeconds(store, t.Step)).ToList();
            if (curves.All(c => c is { Count: > 0 }) && curves.Select(c => c!.Count).Distinct().Count() == 1)
            {
                // A resumed run's timing covers only its last process, so setup is the timing beyond its own epochs, floored at zero.
                double setup = Median.Of(timed.Zip(curves, (t, c) => Math.Max(0, t.Timing!.Seconds - c!.Sum())));
                seconds[group.Key] = Enumerable.Range(0, curves[0]!.Count).Sum(e => Median.Of(curves.Select(c => c![e]))) + setup;
            }
            else seconds[group.Key] = Median.Of(timed.Select(t => t.Timing!.Seconds));
        }
        return new StepCosts(plan.Preset.Name, machine, calibrationSeconds, launchSeconds, seconds);
    }

    /// <summary>
    /// These costs with the classes they lack taken from <paramref name="measured"/>, each scaled
    /// to this machine by the two calibrations (a new step kind measured on another machine): the
    /// classes already kept stay as they were measured.
    /// </summary>
    public StepCosts WithMissing(StepCosts measured)
    {
        double scale = measured.CalibrationSeconds > 0 && CalibrationSeconds > 0 ? CalibrationSeconds / measured.CalibrationSeconds : 1;
        var seconds = new Dictionary<string, double>(Seconds);
        foreach (var (key, value) in measured.Seconds)
            seconds.TryAdd(key, value * scale);
        return this with { Seconds = seconds };
    }

    private static IReadOnlyList<double>? EpochSeconds(ArtifactStore store, PlanStep step)
    {
        if (step.Work is not (Stage1Work or Stage2Work)) return null;
        var path = Path.Combine(store.PathOf(step), "metrics.json");
        return File.Exists(path) ? Json.Read<List<EpochMetrics>>(path).Select(m => m.Seconds).ToList() : null;
    }
}

/// <summary>
/// How long steps take on this machine: the kept costs scaled by this machine's calibration
/// against theirs; a step whose class was never measured falls back on the image-pass model.
/// </summary>
public sealed class CostModel(Plan plan, StepCosts? costs, double calibrationSeconds)
{
    /// <summary>This machine's time over the measured one's (1 without kept costs).</summary>
    public double Scale { get; } = costs is null || costs.CalibrationSeconds <= 0 ? 1 : calibrationSeconds / costs.CalibrationSeconds;

    public StepCosts? Costs => costs;

    public double LaunchSeconds => (costs?.LaunchSeconds ?? 0) * Scale;

    /// <summary>Whether the step's cost is measured rather than modelled.</summary>
    public bool IsMeasured(PlanStep step) => costs?.Seconds.ContainsKey(StepCosts.ClassOf(step.Key)) == true;

    private readonly Dictionary<string, double> _seconds = new();

    /// <summary>The step's estimated seconds here (memoized: the ETA's simulation asks for every step many times).</summary>
    public double Seconds(PlanStep step)
    {
        if (_seconds.TryGetValue(step.Key, out var known)) return known;
        return _seconds[step.Key] = costs?.Seconds.TryGetValue(StepCosts.ClassOf(step.Key), out var s) == true ? s * Scale
            : step.ImagePasses / plan.Preset.ImagePassesPerSecond;
    }

    /// <summary>In words: where the figures come from.</summary>
    public string Describe() => costs is null
        ? $"the image-pass model ({plan.Preset.ImagePassesPerSecond:N0} passes/s; no measured costs kept for preset '{plan.Preset.Name}')"
        : $"costs measured on {costs.Machine}, scaled ×{Scale:F2} by this machine's calibration";
}
