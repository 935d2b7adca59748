using NtkRepro.Eigenimages;
using System.Diagnostics;
using NtkRepro.Data;
using NtkRepro.Native;
using NtkRepro.Runs;
using NtkRepro.Training;
using NtkRepro.Util;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Experiments;

/// <summary>Writes results and the report from whatever the store holds; supplied by the layer that owns claims and reporting.</summary>
public delegate void ReportAction(Plan plan, ArtifactStore store, IProgressSink progress);

/// <summary>
/// Runs single steps of a plan against a store: idempotent (a finished step is reused), resumable
/// (training runs continue from their last epoch), and refusing a step whose dependencies have
/// not run, naming them. Datasets are read once per variant and placed on the device here.
/// </summary>
public sealed class StepExecutor(Plan plan, ArtifactStore store, Device device, IProgressSink progress, string? dataOption, ReportAction report) : IDisposable
{
    private readonly Dictionary<Variant, (LabeledImages Train, LabeledImages Test)> _data = new();
    // Sibling stage-2 children (linearized, centered) of one parent checkpoint share its Jacobian rows.
    private readonly JacobianFeatureCache _siblingFeatures = new();

    public Plan Plan => plan;
    public ArtifactStore Store => store;

    public IReadOnlyList<string> MissingDependencies(PlanStep step) =>
        step.Work is ReportWork ? [] : step.DependsOn.Where(d => !store.IsDone(plan, plan.Step(d))).ToList();

    /// <summary>Runs the step unless it is done; returns its timing (as measured when it ran, for a reused step).</summary>
    public StepTiming Run(PlanStep step)
    {
        if (store.IsDone(plan, step))
        {
            var earlier = store.ReadTiming(step.Key);
            progress.Log($"reused: {step.Key}{(earlier is null ? "" : $" ({earlier.Seconds:F0}s when computed)")}");
            return (earlier ?? new StepTiming(step.Key, 0, true, "unknown")) with { Cached = true };
        }
        var missing = MissingDependencies(step);
        if (missing.Count > 0)
            throw new InvalidOperationException(
                $"cannot run {step.Key}: {(missing.Count == 1 ? "its dependency" : $"{missing.Count} dependencies")} {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", …" : "")} " +
                "has not run yet in this store; run it first (the plan's waves give the order)");
        if (plan.Preset.NeedsGpu && device.type != DeviceType.CUDA)
            progress.Log($"warning: preset '{plan.Preset.Name}' is sized for a GPU; {step.Key} on {device} will take very long");
        var watch = Stopwatch.StartNew();
        Execute(step);
        var timing = new StepTiming(step.Key, watch.Elapsed.TotalSeconds, false, MachineDescription.Describe());
        if (step.Work is not ReportWork) store.WriteTiming(timing);
        progress.Log($"done: {step.Key} ({timing.Seconds:F0}s)");
        return timing;
    }

    private void Execute(PlanStep step)
    {
        var folder = store.PathOf(step);
        switch (step.Work)
        {
            case Stage1Work s:
                Stage1.Train(s.Config, folder, Data(s.V).Train, device, progress);
                break;
            case Stage2Work s:
                Stage2.Train(s.Config, folder, Data(s.V).Train, device, progress, new JacobianCacheOptions(Shared: _siblingFeatures));
                break;
            case KernelsWork k:
                KernelJob.Compute(folder, k.Epochs, Data(k.V).Train, k.Subset, device, progress);
                AtomicFile.WriteJson(KernelJob.MetricsPath(folder, k.Subset), KernelJob.Analyze(folder, k.Subset, k.Epochs));
                break;
            case EvaluateWork e:
                var (result, _) = EvaluationJob.Run(folder, e.Epoch, e.Config, Data(e.V).Test, device, progress);
                if (!result.Sanity.Ok) progress.Log($"warning: attack sanity failed for {step.Key}: {Json.Serialize(result.Sanity).ReplaceLineEndings(" ")}");
                break;
            case MaskingWork m:
                var masking = MaskingJob.Run(folder, m.Epoch, m.Source is null ? null : store.PathOf(plan.Step(m.Source)), m.SourceEpoch, m.Config, m.Seed,
                    Data(m.V).Test, device, progress);
                if (!masking.Ok) progress.Log($"warning: masking checks failed for {step.Key}: {string.Join("; ", masking.FailedChecks)}");
                break;
            case EigenWork e:
                var benign = store.PathOf(plan.Step(e.BenignRun));
                var sources = new List<EigenImageSource> { new("initial", benign, 0), new("benign", benign, null), new("adversarial", store.PathOf(plan.Step(e.AdversarialRun)), null) };
                foreach (var c in e.Classes)
                {
                    var json = store.EigenPath(step, c);
                    if (File.Exists(json)) continue;
                    var rows = EigenImageJob.Run(sources, Data(e.V).Train, e.Subset, c, e.Config, device, progress);
                    var png = System.IO.Path.ChangeExtension(json, ".png");
                    EigenImages.WriteGrid(png, rows);
                    AtomicFile.WriteJson(json, new EigenImageReport(c, EigenImages.ProxyDefinition, EigenImages.Columns(e.Config), rows, System.IO.Path.GetFileName(png)));
                }
                break;
            case ReportWork:
                report(plan, store, progress);
                break;
            default:
                throw new InvalidOperationException($"{step.Key}: unknown kind of step {step.Work.GetType().Name}");
        }
    }

    private (LabeledImages Train, LabeledImages Test) Data(Variant v)
    {
        if (_data.TryGetValue(v, out var d)) return d;
        var spec = plan.Preset.DataFor(v);
        var (train, test) = DatasetLoader.Load(spec, dataOption);
        if (plan.Preset.NeedsFullData && (train.Count < 50000 || test.Count < 10000))
            throw new ArgumentException($"preset '{plan.Preset.Name}' needs the full {v.Dataset}; the data root holds {train.Count} training and {test.Count} test images");
        using (train) using (test)
            return _data[v] = (train.To(device), test.To(device));
    }

    public void Dispose()
    {
        _siblingFeatures.Dispose();
        foreach (var (train, test) in _data.Values) { train.Dispose(); test.Dispose(); }
        _data.Clear();
    }
}
