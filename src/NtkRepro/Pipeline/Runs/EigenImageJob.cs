using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Eigenimages;
using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Pipeline.Runs;

/// <summary>One row of an eigen-image grid: a stage-1 run's checkpoint.</summary>
/// <param name="Epoch">The checkpoint; null: the run's last one.</param>
public sealed record EigenImageSource(string Label, string RunPath, double? Epoch);

/// <summary>
/// Eigen-images of stage-1 run checkpoints on the run's kernel subset. A kernel the ntk job already
/// stored for that checkpoint and subset (&lt;run&gt;/kernels/&lt;subset&gt;/epoch-t.npy) is used when its
/// subset indices match; otherwise K_cc is computed here (and not stored).
/// </summary>
public static class EigenImageJob
{
    public static IReadOnlyList<EigenImageResult> Run(IReadOnlyList<EigenImageSource> sources, LabeledImages train, KernelSubset subset,
        int cls, EigenImageConfig config, Device device, IProgressSink progress)
    {
        if (sources.Count == 0) throw new ArgumentException("eigen-images: no run given");
        var indices = subset.Indices(train);
        using var points = train.Select(indices, "kernel subset");
        using var x = points.Images.to(device);
        var labels = points.LabelArray();
        var results = new List<EigenImageResult>();
        foreach (var source in sources)
        {
            using var scope = torch.NewDisposeScope();
            var (dir, runConfig) = RunDirectory.Read<Stage1Config>(source.RunPath, Stage1.Kind);
            var epochs = dir.CheckpointEpochs();
            if (epochs.Count == 0) throw new InvalidDataException($"{dir.Path}: no checkpoints (run '{source.Label}')");
            double epoch = source.Epoch ?? epochs[^1];
            if (!epochs.Contains(epoch))
                throw new ArgumentException($"{dir.Path}: no checkpoint at epoch {RunDirectory.EpochName(epoch)} " +
                    $"(run '{source.Label}'; has {string.Join(", ", epochs.Select(RunDirectory.EpochName))})");
            if (cls < 0 || cls >= runConfig.Model.Classes) throw new ArgumentException($"class {cls}: {dir.Path} has classes 0..{runConfig.Model.Classes - 1}");
            using var model = Checkpoint.LoadModel(runConfig.Model, dir.CheckpointPath(epoch));
            model.to(device);
            model.eval();
            var kernel = StoredClassKernel(dir.Path, subset, epoch, indices, cls, progress);
            string label = $"{source.Label} (epoch {RunDirectory.EpochName(epoch)})";
            results.Add(EigenImages.Run(model, x, labels, cls, config, progress, kernel, label, dir.CheckpointPath(epoch)) with { Source = source.Label });
        }
        return results;
    }

    /// <summary>K_cc from the stored class blocks, or null when none is stored for this subset (or it was computed on other points).</summary>
    private static Tensor? StoredClassKernel(string runPath, KernelSubset subset, double epoch, long[] indices, int cls, IProgressSink progress)
    {
        var path = KernelJob.KernelPath(runPath, subset, epoch);
        if (!KernelFile.Exists(path))
        {
            progress.Log($"no stored kernel at {path}: computing K_{cls}{cls}");
            return null;
        }
        var (blocks, info) = KernelFile.Load(path);
        if (info.Kind != KernelJob.ClassBlocksKind || !info.SubsetIndices.SequenceEqual(indices))
        {
            blocks.Dispose();
            progress.Log($"{path} is not this subset's class blocks: computing K_{cls}{cls}");
            return null;
        }
        progress.Log($"using the stored kernel {path}");
        return blocks[cls];
    }
}
