using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Pipeline.Runs;

/// <summary>
/// Which training points a kernel is computed on: a seeded class-balanced subset, of every class or
/// of the first <see cref="Classes"/> classes (the authors' CIFAR-100 kernels use classes 0–9).
/// </summary>
public sealed record KernelSubset(int PerClass = 50, int Seed = 0, int? Classes = null)
{
    public long[] Indices(LabeledImages train) =>
        BalancedSubset.Sample(train.LabelArray(), PerClass, Seed, Classes is { } c ? Enumerable.Range(0, c).ToList() : null);

    /// <summary>The folder a run's kernels on this subset live in, so that kernels on another subset never mix with them.</summary>
    public string FolderName => $"per-class-{PerClass}_seed-{Seed}{(Classes is { } c ? $"_classes-{c}" : "")}";

    public override string ToString() => $"{PerClass} per class{(Classes is { } c ? $" of the first {c} classes" : "")}, seed {Seed}";
}

/// <summary>
/// Kernels of a stage-1 run's checkpoints, saved as &lt;run&gt;/kernels/&lt;subset&gt;/epoch-&lt;t&gt;.npy with a
/// JSON sidecar whose checkpoint path is relative to the kernel's folder; existing ones are reused.
/// Distances, velocities and effective rank use the trace kernel (1/C)Σ_c K_cc; the
/// specialization uses the class blocks. Where the subset covers every class of the network the
/// file holds the C class blocks K_cc ((C, N, N) float32); where it covers fewer (CIFAR-100 on
/// classes 0–9) it holds the trace kernel only ((N, N)), as the authors compute only that there:
/// a class without points has no specialization, and 100 blocks would take 100 times the disk.
/// </summary>
public static class KernelJob
{
    public static string Folder(string runPath, KernelSubset subset) => Path.Combine(runPath, "kernels", subset.FolderName);

    public static string KernelPath(string runPath, KernelSubset subset, double epoch) =>
        Path.Combine(Folder(runPath, subset), $"epoch-{RunDirectory.EpochName(epoch)}.npy");

    public static string MetricsPath(string runPath, KernelSubset subset) => Path.Combine(Folder(runPath, subset), "metrics.json");

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
            var path = KernelPath(dir.Path, subset, epoch);
            if (!KernelFile.Exists(path))
            {
                using var scope = torch.NewDisposeScope();
                using var model = Checkpoint.LoadModel(config.Model, dir.CheckpointPath(epoch));
                model.to(device);
                model.eval();
                var blocks = EmpiricalNtk.ClassBlocks(model, x, options).cpu();
                bool keepBlocks = CoversEveryClass(labels, config.Model.Classes);
                KernelFile.Save(path, keepBlocks ? blocks : EmpiricalNtk.Trace(blocks), new KernelInfo(keepBlocks ? ClassBlocksKind : TraceKind, config.Model.ToString(),
                    Path.GetRelativePath(Path.GetDirectoryName(path)!, dir.CheckpointPath(epoch)), epoch,
                    indices, labels, [], ""));
            }
            progress.Report($"kernels {Path.GetFileName(dir.Path)}", ++done, epochs.Count, $"epoch {RunDirectory.EpochName(epoch)}");
        }
    }

    public const string ClassBlocksKind = "class-blocks", TraceKind = "trace";

    /// <summary>Whether the points hold every class 0..C−1 of the network: what the class-block metrics need.</summary>
    public static bool CoversEveryClass(IReadOnlyList<long> labels, long classes) =>
        labels.Distinct().Count(l => l >= 0 && l < classes) == classes;

    /// <summary>
    /// A saved kernel's trace kernel in float64; its class blocks in float64 when the file holds
    /// them and its points cover every class (else null: no specialization); its description and
    /// stored dtype. Tensors are in the caller's dispose scope.
    /// </summary>
    public static (Tensor Trace, Tensor? Blocks, KernelInfo Info, ScalarType Dtype) Load(string path)
    {
        var (kernel, info) = KernelFile.Load(path);
        var k64 = kernel.to(ScalarType.Float64);
        return info.Kind switch
        {
            TraceKind => (k64, null, info, kernel.dtype),
            ClassBlocksKind => (EmpiricalNtk.Trace(k64), CoversEveryClass(info.SubsetLabels, k64.shape[0]) ? k64 : null, info, kernel.dtype),
            _ => throw new InvalidDataException($"{path}: a '{info.Kind}' kernel, expected {ClassBlocksKind} or {TraceKind}"),
        };
    }

    /// <summary>
    /// Metrics of the saved kernels. Float32 kernels are analysed in float64 with their float32
    /// round-off tolerated (see <see cref="KernelMetrics.EffectiveRank"/>); every temporary tensor
    /// is released before returning.
    /// </summary>
    public static KernelSeries Analyze(string runPath, KernelSubset subset, IReadOnlyList<double> epochs)
    {
        using var scope = torch.NewDisposeScope();
        var traces = new List<KernelMetrics.TimedKernel>();
        var points = new List<(double Epoch, double Erank, double? Specialization)>();
        int n = 0;
        foreach (var epoch in epochs.Order())
        {
            using var epochScope = torch.NewDisposeScope();
            var path = KernelPath(runPath, subset, epoch);
            var (trace, blocks, info, dtype) = Load(path);
            trace.MoveToOuterDisposeScope();
            n = (int)trace.shape[0];
            traces.Add(new(epoch, trace));
            double? specialization = blocks is null ? null : KernelMetrics.MeanSpecialization(KernelMetrics.SpecializationMatrix(blocks, info.SubsetLabels));
            double erank = KernelMetrics.EffectiveRank(trace, $"the trace kernel of {path}", accumulatedIn: dtype);
            points.Add((epoch, erank, specialization));
        }
        var toFinal = KernelMetrics.DistanceToFinal(traces);
        var checkpoints = points.Zip(toFinal, (p, d) => new KernelPoint(p.Epoch, d.Distance, p.Erank, p.Specialization)).ToList();
        var byEpoch = traces.ToDictionary(t => t.Epoch, t => t.Kernel);
        var oneEpoch = byEpoch.Keys.Where(e => e == Math.Floor(e) && byEpoch.ContainsKey(e + 1)).Order()
            .Select(a => new KernelMetrics.Velocity(a, a + 1, KernelMetrics.Distance(byEpoch[a], byEpoch[a + 1]))).ToList();
        return new KernelSeries(Path.GetFileName(Path.GetFullPath(runPath)), n, checkpoints, KernelMetrics.Velocities(traces), oneEpoch);
    }
}
