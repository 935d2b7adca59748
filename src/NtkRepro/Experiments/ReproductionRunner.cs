using System.Diagnostics;
using NtkRepro.Data;
using NtkRepro.Kernels;
using NtkRepro.Linearization;
using NtkRepro.Training;
using NtkRepro.Util;
using TorchSharp;
using static TorchSharp.torch;
using NtkRepro.Runs;

namespace NtkRepro.Experiments;

/// <summary>
/// Runs a preset as a graph of cached steps: stage-1 runs → checkpoints → kernels → stage-2
/// children → evaluations. Every step's folder is named by a key of its full configuration, so a
/// rerun reuses finished work, resumes unfinished work (training runs resume from their last
/// epoch), and recomputes only what a changed configuration affects.
/// Layout: &lt;out&gt;/seed-&lt;s&gt;/stage1/&lt;schedule&gt;-&lt;key&gt;, .../stage2/&lt;parent&gt;-t&lt;spawn&gt;-&lt;dynamics&gt;-&lt;key&gt;,
/// and &lt;out&gt;/results.json.
/// </summary>
public sealed class ReproductionRunner
{
    private readonly Preset _preset;
    private readonly string _out;
    private readonly Device _device;
    private readonly IProgressSink _progress;
    private readonly List<StepTiming> _timings = new();
    private readonly Dictionary<string, double> _measured; // compute seconds of each step, from when it ran
    // Stage-2 hook: the linearized and centered children of one spawn share their Jacobian features.
    private readonly JacobianFeatureCache _siblingFeatures = new();

    public ReproductionRunner(Preset preset, string outputFolder, Device device, IProgressSink progress)
    {
        _preset = preset;
        _out = Path.GetFullPath(outputFolder);
        _device = device;
        _progress = progress;
        _measured = File.Exists(TimingsPath) ? Json.Read<Dictionary<string, double>>(TimingsPath) : new();
    }

    public string ResultsPath => Path.Combine(_out, "results.json");

    /// <summary>Compute time of every step as measured when it ran; a reused step keeps its time.</summary>
    public string TimingsPath => Path.Combine(_out, "timings.json");

    public ReproductionResults Run(string? dataOption)
    {
        if (_preset.NeedsGpu && _device.type != DeviceType.CUDA)
            _progress.Log($"warning: preset '{_preset.Name}' is sized for a GPU; on {_device} it will take very long");
        Directory.CreateDirectory(_out);
        var (trainCpu, testCpu) = DatasetLoader.Load(_preset.Data, dataOption);
        if (_preset.NeedsFullData && (trainCpu.Count < 50000 || testCpu.Count < 10000))
            throw new ArgumentException($"preset '{_preset.Name}' needs the full dataset; the data root holds {trainCpu.Count} training and {testCpu.Count} test images");
        using (trainCpu) using (testCpu)
        using (var train = trainCpu.To(_device))
        using (var test = testCpu.To(_device))
        {
            var stage1 = new List<Stage1Result>();
            var parents = new List<ParentResult>();
            var children = new List<ChildResult>();
            var fixedKernel = new List<ChildResult>();
            var cross = new List<CrossKernelResult>();
            foreach (var seed in _preset.Seeds)
            {
                var seedDir = Path.Combine(_out, $"seed-{seed}");
                var runs = _preset.Schedules.ToDictionary(s => ScheduleName(s), s => Stage1Run(seedDir, s, seed, train));
                foreach (var (name, path) in runs)
                    stage1.Add(Stage1Results(name, seed, path, train, test));
                cross.Add(CrossKernels(seed, runs));
                foreach (var parent in _preset.SpawnParents)
                    foreach (var spawn in _preset.SpawnEpochs)
                    {
                        parents.Add(new ParentResult(parent, seed, spawn, Evaluate(runs[parent], spawn, child: false, test)));
                        foreach (var dynamics in _preset.ChildDynamics)
                            children.Add(Child(seedDir, runs[parent], parent, seed, spawn, dynamics, adversarial: false, _preset.Stage2Epochs, train, test));
                        _siblingFeatures.Clear(); // the next spawn epoch has other features
                    }
                if (_preset.FixedKernel is { } fk)
                    fixedKernel.Add(Child(seedDir, runs[fk.ParentSchedule], fk.ParentSchedule, seed, fk.SpawnEpoch, fk.Dynamics, adversarial: true, fk.Epochs, train, test));
            }
            var results = new ReproductionResults(_preset.Name, _preset.Scale, _preset.Data.ToString(),
                _preset.Model.ToString(), _preset.Stage1Epochs, _preset.SwitchEpoch, _preset.Deviations, stage1, parents, children, fixedKernel, cross, _timings,
                $"{Environment.ProcessorCount} cores, {torch.get_num_threads()} torch threads, device {_device}", DateTime.UtcNow.ToString("u"));
            AtomicFile.WriteJson(ResultsPath, results);
            return results;
        }
    }

    private static string ScheduleName(string schedule) => schedule.StartsWith("switch") ? "switch" : schedule;

    private string Stage1Run(string seedDir, string schedule, int seed, LabeledImages train)
    {
        var config = _preset.Stage1(schedule, seed);
        var path = Path.Combine(seedDir, "stage1", $"{ScheduleName(schedule)}-{StepKey.Of(config)}");
        Timed($"stage 1 {schedule} (seed {seed})", File.Exists(Path.Combine(path, "done.json")),
            () => Stage1.Train(config, path, train, _device, _progress));
        return path;
    }

    private Stage1Result Stage1Results(string schedule, int seed, string path, LabeledImages train, LabeledImages test)
    {
        var epochs = _preset.KernelEpochs[schedule];
        bool cached = epochs.All(e => KernelFile.Exists(KernelJob.KernelPath(path, e)));
        Timed($"kernels {schedule} (seed {seed}, {epochs.Count} checkpoints)", cached,
            () => KernelJob.Compute(path, epochs, train, _preset.KernelSubset, _device, _progress));
        var series = KernelJob.Analyze(path, epochs);
        AtomicFile.WriteJson(Path.Combine(path, "kernels", "metrics.json"), series);
        var summary = RunDirectory.Read<Stage1Config>(path, Stage1.Kind).Dir.ReadSummary();
        return new Stage1Result(schedule, seed, Relative(path), summary, series, Evaluate(path, _preset.Stage1Epochs, child: false, test));
    }

    private CrossKernelResult CrossKernels(int seed, IReadOnlyDictionary<string, string> runs)
    {
        double final = _preset.Stage1Epochs;
        Tensor Trace(string run, double epoch)
        {
            var (blocks, _) = KernelFile.Load(KernelJob.KernelPath(runs[run], epoch));
            return EmpiricalNtk.Trace(blocks.to(ScalarType.Float64));
        }
        using var scope = torch.NewDisposeScope();
        var benign = Trace("benign", final);
        var adversarial = Trace("adversarial", final);
        var points = _preset.KernelEpochs["switch"].Order().Select(e =>
        {
            var k = Trace("switch", e);
            return new SwitchPoint(e, KernelMetrics.Distance(k, benign), KernelMetrics.Distance(k, adversarial));
        }).ToList();
        return new CrossKernelResult(seed, KernelMetrics.Distance(benign, adversarial), points);
    }

    private ChildResult Child(string seedDir, string parentRun, string parent, int seed, double spawn, Dynamics dynamics, bool adversarial,
        int epochs, LabeledImages train, LabeledImages test)
    {
        var config = new Stage2Config
        {
            ParentRun = parentRun,
            SpawnEpoch = spawn,
            Dynamics = dynamics,
            Adversarial = adversarial,
            AdversarialMode = _preset.AdversarialMode,
            TrainAttack = _preset.TrainAttack,
            Epochs = epochs,
            LearningRate = _preset.Stage2LearningRate,
            BatchSize = _preset.BatchSize,
            Seed = seed,
        };
        var name = $"{(adversarial ? "fixed-kernel-at-" : "")}{parent}-t{RunDirectory.EpochName(spawn)}-{dynamics.ToString().ToLowerInvariant()}";
        // Keyed by the parent's folder name (itself a key of its configuration), not its absolute path.
        var path = Path.Combine(seedDir, "stage2", $"{name}-{StepKey.Of(config with { ParentRun = Path.GetFileName(parentRun) })}");
        Timed($"stage 2 {name} (seed {seed})", File.Exists(Path.Combine(path, "done.json")),
            () => Stage2.Train(config, path, train, _device, _progress, new JacobianCacheOptions(Shared: _siblingFeatures)));
        return new ChildResult(parent, seed, spawn, dynamics.ToString().ToLowerInvariant(), adversarial, epochs, Relative(path), Evaluate(path, epochs, child: true, test));
    }

    /// <param name="epoch">The stage-1 checkpoint, or a child's final epoch.</param>
    private EvalResult Evaluate(string runPath, double epoch, bool child, LabeledImages test)
    {
        EvalResult result = null!;
        var cached = File.Exists(EvaluationJob.ResultPath(runPath, epoch, _preset.Eval, test.Count));
        Timed($"evaluate {Path.GetFileName(runPath)}{(child ? "" : $" at epoch {RunDirectory.EpochName(epoch)}")}", cached,
            () => result = EvaluationJob.Run(runPath, child ? null : epoch, _preset.Eval, test, _device, _progress).Result);
        if (!result.Sanity.Ok)
            _progress.Log($"warning: attack sanity failed for {runPath}: {Json.Serialize(result.Sanity).ReplaceLineEndings(" ")}");
        return result;
    }

    private void Timed(string step, bool cached, Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        double seconds = watch.Elapsed.TotalSeconds;
        if (cached && _measured.TryGetValue(step, out var original)) seconds = original;
        else if (!cached)
        {
            _measured[step] = seconds;
            AtomicFile.WriteJson(TimingsPath, _measured);
        }
        _timings.Add(new StepTiming(step, seconds, cached));
        _progress.Log($"{(cached ? "reused" : "done")}: {step} ({watch.Elapsed.TotalSeconds:F0}s{(cached ? $"; {seconds:F0}s when computed" : "")})");
    }

    private string Relative(string path) => Path.GetRelativePath(_out, path);
}
