using System.Diagnostics;
using NtkRepro.Numerics.Native;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Results;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>The checks a step's output failed (attack sanity, masking), in words.</summary>
public sealed record FailedStepChecks(string Step, IReadOnlyList<string> Checks);

/// <summary>
/// Runs single steps of a plan against a store, each by its kind (<see cref="StepRegistry"/>):
/// idempotent (a finished step is reused), resumable (training runs continue from their last
/// epoch), one process at a time per step (<see cref="StepLock"/>), and refusing a step whose dependencies have not run, naming them. Keeps the timings of
/// what it ran or reused (the report step receives them) and the checks that failed.
/// </summary>
public sealed class StepExecutor(Plan plan, ArtifactStore store, Device device, IProgressSink progress, string? dataOption, StepRegistry kinds) : IDisposable
{
    private readonly StepContext _context = new(plan, store, device, progress, dataOption);
    private readonly List<FailedStepChecks> _failed = [];

    /// <summary>Steps that worker processes of this same invocation computed (reproduce --jobs): reused here, but not cached from an earlier run.</summary>
    public IReadOnlySet<string> ComputedByWorkers { get; init; } = new HashSet<string>();

    public Plan Plan => plan;
    public ArtifactStore Store => store;
    public StepRegistry Kinds => kinds;

    /// <summary>Steps run or reused by this executor whose output failed a check.</summary>
    public IReadOnlyList<FailedStepChecks> Failed => _failed;

    /// <summary>Whether the step's outputs exist and still are what it wrote (its manifest; a step finished before manifests existed is trusted).</summary>
    public bool IsDone(PlanStep step) => kinds.Of(step).IsDone(plan, store, step) && Damage(step) is null;

    /// <summary>What differs from the step's manifest, in words; null when nothing does or it has none.</summary>
    public string? Damage(PlanStep step)
    {
        var manifest = StepManifest.Read(store, step.Key);
        if (manifest is null) return null;
        var problems = manifest.Problems(store);
        if (problems.Count > 0) return string.Join("; ", problems.Take(3)) + (problems.Count > 3 ? $"; and {problems.Count - 3} more" : "");
        manifest.Retimed(store)?.Save(store);
        return null;
    }

    public IReadOnlyList<string> MissingDependencies(PlanStep step) =>
        kinds.Of(step).Summarizes ? [] : step.DependsOn.Where(d => !IsDone(plan.Step(d))).ToList();

    /// <summary>Runs the step unless it is done; returns its timing (as measured when it ran, for a reused step).</summary>
    public StepTiming Run(PlanStep step)
    {
        var kind = kinds.Of(step);
        var timing = IsDone(step) ? Reuse(step, kind) : Execute(step, kind);
        _context.Record(timing);
        if (kind.FailedChecks(plan, store, step) is { Count: > 0 } failed)
        {
            _failed.Add(new FailedStepChecks(step.Key, failed));
            progress.Log($"warning: {step.Key} failed {(failed.Count == 1 ? "a check" : $"{failed.Count} checks")}: {string.Join("; ", failed)}");
        }
        return timing;
    }

    private StepTiming Reuse(PlanStep step, IStepKind kind)
    {
        var earlier = store.ReadTiming(step.Key);
        bool ranNow = ComputedByWorkers.Contains(step.Key);
        if (!ranNow) progress.Log($"reused: {step.Key}{(earlier is null ? "" : $" ({earlier.Seconds:F0}s when computed)")}");
        return (earlier ?? new StepTiming(step.Key, 0, true, "unknown")) with { Cached = !ranNow, Kind = kind.TimingGroup(step) };
    }

    private StepTiming Execute(PlanStep step, IStepKind kind)
    {
        // Another process (a second reproduce, a scheduler's task) may be computing this step: wait for it, then reuse what it wrote.
        using var held = kind.Summarizes ? null : StepLock.Acquire(store, step.Key, progress);
        if (kind.IsDone(plan, store, step))
        {
            if (kind.Summarizes || Damage(step) is not { } damage) return Reuse(step, kind);
            progress.Log($"recomputing {step.Key}: its files are not what it wrote ({damage})");
            Discard(step);
        }
        var missing = MissingDependencies(step);
        if (missing.Count > 0)
            throw new InvalidOperationException(
                $"cannot run {step.Key}: {(missing.Count == 1 ? "its dependency" : $"{missing.Count} dependencies")} {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", …" : "")} " +
                "has not run yet in this store; run it first (the plan's waves give the order)");
        if (plan.Preset.NeedsGpu && device.type != DeviceType.CUDA)
            progress.Log($"warning: preset '{plan.Preset.Name}' is sized for a GPU; {step.Key} on {device} will take very long");
        var watch = Stopwatch.StartNew();
        kind.Run(_context, step);
        var timing = new StepTiming(step.Key, watch.Elapsed.TotalSeconds, false, MachineDescription.Describe(device)) { Kind = kind.TimingGroup(step) };
        if (!kind.Summarizes)
        {
            StepManifest.Write(store, step.Key, kind.Written(plan, store, step));
            store.WriteTiming(timing);
        }
        progress.Log($"done: {step.Key} ({timing.Seconds:F0}s)");
        return timing;
    }

    /// <summary>
    /// Removes what a step wrote, as its manifest lists it, so that the step computes afresh. A listed
    /// file may be gone with its folder (a manifest left by another configuration of the step, whose
    /// folder was removed): there is nothing to remove then.
    /// </summary>
    private void Discard(PlanStep step)
    {
        foreach (var f in StepManifest.Read(store, step.Key)!.Files)
        {
            var path = Path.Combine(store.Root, f.Path);
            if (File.Exists(path)) File.Delete(path);
        }
        File.Delete(StepManifest.PathOf(store, step.Key));
    }

    public void Dispose() => _context.Dispose();
}
