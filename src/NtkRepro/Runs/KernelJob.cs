using NtkRepro.Data;
using NtkRepro.Models;
using NtkRepro.Training;
using NtkRepro.Util;
using TorchSharp;
using static TorchSharp.torch;
using NtkRepro.Kernels;

namespace NtkRepro.Runs;

/// <summary>Which training points a kernel is computed on: a seeded class-balanced subset.</summary>
public sealed record KernelSubset(int PerClass = 50, int Seed = 0)
{
    public long[] Indices(LabeledImages train) => BalancedSubset.Sample(train.LabelArray(), PerClass, Seed);
}

/// <summary>The kernel metrics of one checkpoint of a run.</summary>
public sealed record KernelPoint(double Epoch, double DistanceToFinal, double EffectiveRank, double MeanSpecialization);

/// <summary>The kernel metrics along a run: per checkpoint, and velocities between neighbours.</summary>
public sealed record KernelSeries(string Run, int Points, IReadOnlyList<KernelPoint> Checkpoints, IReadOnlyList<KernelMetrics.Velocity> Velocities);

/// <summary>
/// Kernels of a stage-1 run's checkpoints, saved as &lt;run&gt;/kernels/epoch-&lt;t&gt;.npy (the C class
/// blocks K_cc on the subset, (C, N, N) float32) with a JSON sidecar; existing ones are reused.
/// Distances, velocities and effective rank use the trace kernel (1/C)Σ_c K_cc; the
/// specialization uses the class blocks.
/// </summary>
public static class KernelJob
{
    public static string KernelPath(string runPath, double epoch) =>
        Path.Combine(runPath, "kernels", $"epoch-{RunDirectory.EpochName(epoch)}.npy");

    public static void Compute(string runPath, IReadOnlyList<double> epochs, LabeledImages train, KernelSubset subset,
        Device device, IProgressSink progress, EmpiricalNtk.Options? options = null)
    {
        var (dir, config) = RunDirectory.Read<Stage1Config>(runPath, Stage1.Kind);
        var indices = subset.Indices(train);
        using var points = train.Select(indices, "kernel subset");
        using var x = points.Images.to(device);
        var labels = points.LabelArray();
        int done = 0;
        foreach (var epoch in epochs)
        {
            var path = KernelPath(dir.Path, epoch);
            if (!KernelFile.Exists(path))
            {
                using var scope = torch.NewDisposeScope();
                using var model = Checkpoint.LoadModel(config.Model, dir.CheckpointPath(epoch));
                model.to(device);
                model.eval();
                var blocks = EmpiricalNtk.ClassBlocks(model, x, options).cpu();
                KernelFile.Save(path, blocks, new KernelInfo("class-blocks", config.Model.ToString(), dir.CheckpointPath(epoch), epoch,
                    indices, labels, [], ""));
            }
            progress.Report($"kernels {Path.GetFileName(dir.Path)}", ++done, epochs.Count, $"epoch {RunDirectory.EpochName(epoch)}");
        }
    }

    public static KernelSeries Analyze(string runPath, IReadOnlyList<double> epochs)
    {
        var traces = new List<KernelMetrics.TimedKernel>();
        var points = new List<(double Epoch, double Erank, double Specialization)>();
        int n = 0;
        foreach (var epoch in epochs.Order())
        {
            var (blocks, info) = KernelFile.Load(KernelPath(runPath, epoch));
            using var b64 = blocks.to(ScalarType.Float64);
            var trace = EmpiricalNtk.Trace(b64);
            n = (int)trace.shape[0];
            traces.Add(new(epoch, trace));
            var ksm = KernelMetrics.SpecializationMatrix(b64, info.SubsetLabels);
            points.Add((epoch, KernelMetrics.EffectiveRank(trace), KernelMetrics.MeanSpecialization(ksm)));
        }
        var toFinal = KernelMetrics.DistanceToFinal(traces);
        var checkpoints = points.Zip(toFinal, (p, d) => new KernelPoint(p.Epoch, d.Distance, p.Erank, p.Specialization)).ToList();
        return new KernelSeries(Path.GetFileName(Path.GetFullPath(runPath)), n, checkpoints, KernelMetrics.Velocities(traces));
    }
}
