using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Pipeline.Runs;

/// <summary>
/// Evaluates a run (a stage-1 checkpoint, or a finished stage-2 child) and writes the result as
/// JSON next to its checkpoints: &lt;run&gt;/eval/epoch-&lt;t&gt;_&lt;attack&gt;.json. An existing result is reused.
/// </summary>
public static class EvaluationJob
{
    public static string ResultPath(string runPath, double epoch, EvalConfig config, int count) =>
        Path.Combine(runPath, "eval",
            $"epoch-{RunDirectory.EpochName(epoch)}_pgd{config.Attack.Steps}_eps{config.Attack.Epsilon * 255:0.##}_alpha{config.Attack.StepSize * 255:0.####}_n{count}_seed{config.Seed}.json");

    /// <summary>The data spec of a run (a child's is its parent's).</summary>
    public static DataSpec DataOf(string runPath) => RunDirectory.ReadKind(Path.Combine(runPath, "config.json")) switch
    {
        Stage1.Kind => RunDirectory.Read<Stage1Config>(runPath, Stage1.Kind).Config.Data,
        Stage2.Kind => DataOf(RunDirectory.Read<Stage2Config>(runPath, Stage2.Kind).Config.ParentFolder(runPath)),
        var k => throw new InvalidDataException($"{runPath}: unknown run kind '{k}'"),
    };

    /// <param name="epoch">A stage-1 checkpoint; ignored for stage-2 runs (their final state is evaluated). Null: the last one.</param>
    public static (EvalResult Result, string Path) Run(string runPath, double? epoch, EvalConfig config, LabeledImages test,
        Device device, IProgressSink progress)
    {
        var kind = RunDirectory.ReadKind(Path.Combine(runPath, "config.json"));
        using var classifier = Load(runPath, kind, ref epoch, device);
        var path = ResultPath(runPath, epoch!.Value, config, test.Count);
        if (File.Exists(path)) return (Json.Read<EvalResult>(path), path);
        using var testOnDevice = test.To(device);
        var result = Evaluator.Evaluate(classifier, testOnDevice, config, progress, $"evaluate {Path.GetFileName(Path.GetFullPath(runPath))}");
        AtomicFile.WriteJson(path, result);
        return (result, path);
    }

    /// <summary>Loads a run as a classifier: a stage-1 checkpoint (null epoch: the last) or a finished child (its final state; the epoch is set to its last).</summary>
    public static Classifier LoadClassifier(string runPath, ref double? epoch, Device device) =>
        Load(runPath, RunDirectory.ReadKind(Path.Combine(runPath, "config.json")), ref epoch, device);

    private static Classifier Load(string runPath, string kind, ref double? epoch, Device device)
    {
        if (kind == Stage2.Kind)
        {
            var (dir, config) = RunDirectory.Read<Stage2Config>(runPath, Stage2.Kind);
            if (!dir.IsDone) throw new InvalidOperationException($"{dir.Path}: the run has not finished (no done.json); rerun its train command first");
            epoch = config.Epochs;
            return Stage2.LoadChild(runPath, device);
        }
        var (stage1, stage1Config) = RunDirectory.Read<Stage1Config>(runPath, Stage1.Kind);
        var available = stage1.CheckpointEpochs();
        epoch ??= available.Count > 0 ? available[^1] : throw new InvalidOperationException($"{stage1.Path}: no checkpoints yet");
        var model = Checkpoint.LoadModel(stage1Config.Model, stage1.RequireCheckpoint(epoch.Value));
        model.to(device);
        return new StandardClassifier(model);
    }
}
