using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Results;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Pipeline.Experiments;

public sealed record KernelAlignmentWork(Variant V, int R, ScheduleKind Schedule) : RunAnalysisWork(V, R, Schedule);

/// <summary>
/// The centered kernel-target alignment of each kernel checkpoint of a run (Cortes, Mohri and
/// Rostamizadeh 2012): how much of the trace kernel lies along the labels,
/// A = ⟨HKH, HYYᵀH⟩ / (‖HKH‖ ‖HYYᵀH‖) with Y the one-hot labels of the kernel's points and
/// H = I − 11ᵀ/N. Centering removes the constant offset every NTK carries, which would otherwise
/// dominate the figure; a kernel that separates the classes reads near 1, the identity √((C−1)/(N−1)).
/// </summary>
public sealed class KernelAlignmentStep : RunAnalysisStep<KernelAlignmentWork>
{
    public static readonly KernelAlignmentStep Kind = new();

    public override string Name => "kernel-alignment";

    public override string Describes => "centered kernel-target alignment of the trace kernel at each checkpoint";

    protected override KernelAlignmentWork Work(RunSteps run) => new(run.Variant, run.Replicate, run.Schedule);

    protected override IEnumerable<(string Figure, double Value)> Measure(RunInput input, KernelAlignmentWork work) =>
        input.KernelEpochs.Order().Select(epoch =>
        {
            using var scope = torch.NewDisposeScope();
            var (trace, labels) = input.Kernel(epoch);
            return ($"alignment@{Epochs.Name(epoch)}", Alignment(trace, labels));
        }).ToList();

    /// <summary>The centered alignment of a kernel (N, N) with the one-hot labels of its points, in float64.</summary>
    public static double Alignment(Tensor kernel, IReadOnlyList<long> labels)
    {
        using var scope = torch.NewDisposeScope();
        var k = Center(kernel.to(ScalarType.Float64));
        var classes = labels.Distinct().Order().ToList();
        var y = nn.functional.one_hot(tensor(labels.Select(l => (long)classes.IndexOf(l)).ToArray(), device: kernel.device), classes.Count).to(ScalarType.Float64);
        var target = Center(y.matmul(y.T));
        return (k * target).sum().item<double>() / (k.norm().item<double>() * target.norm().item<double>());
    }

    private static Tensor Center(Tensor k) => k - k.mean([0], keepdim: true) - k.mean([1], keepdim: true) + k.mean();
}
