using System.Diagnostics;
using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Training;

/// <param name="MemoryBudgetBytes">Rows up to this size are held in memory, larger ones streamed; default: half the memory available when they are computed.</param>
/// <param name="ScratchFolder">Where streamed rows are written (deleted when done); default: the temporary folder.</param>
/// <param name="Shared">Keeps the features for the next child of the same parent checkpoint (owned by the caller); null: each child computes its own.</param>
public sealed record JacobianCacheOptions(long? MemoryBudgetBytes = null, string? ScratchFolder = null, JacobianFeatureCache? Shared = null);

/// <summary>
/// The features of a benign linearized/centered child, computed once per parent: every training
/// sample's Jacobian rows J(x) = ∇_θ f_θt(x) (all classes, parameters in parameter order) and the
/// parent's logits f_θt(x). BN is in eval mode, so each sample's features are its own.
/// </summary>
public sealed class JacobianFeatures : IDisposable
{
    /// <summary>Rows are computed for this many bytes of samples at a time (at least one sample), whatever the storage, so both stores hold the same bits.</summary>
    public const long BlockBytes = 256L << 20;

    private readonly JacobianRowStore _rows;
    private readonly Tensor _outputs;

    private JacobianFeatures(JacobianRowStore rows, Tensor outputs, long budget, double seconds)
    {
        _rows = rows;
        _outputs = outputs;
        MemoryBudgetBytes = budget;
        Seconds = seconds;
        ChunkSamples = (int)Math.Clamp((4L << 20) / Bytes(1, (int)rows.Shape[1], rows.Shape[2], rows.DType), 1, int.MaxValue);
    }

    public int Count => (int)_rows.Shape[0];
    public JacobianStorage Storage => _rows.Storage;
    public long RowBytes => Bytes(_rows.Shape[0], (int)_rows.Shape[1], _rows.Shape[2], _rows.DType);
    public long MemoryBudgetBytes { get; }
    public double Seconds { get; }

    /// <summary>
    /// Samples per chunk of a training step: a chunk's rows (about 4 MiB) are read from memory
    /// once and stay in the CPU cache between the forward product and the gradient product.
    /// </summary>
    public int ChunkSamples { get; }

    public static long Bytes(long samples, int classes, long parameters, ScalarType dtype)
    {
        using var probe = torch.empty(1, dtype: dtype);
        return samples * classes * parameters * probe.element_size();
    }

    public static long BytesFor(NtkModel model, long samples) =>
        Bytes(samples, model.Spec.Classes, model.ParameterCount(), model.ParameterList()[0].dtype);

    /// <summary>The storage the memory rule picks: in memory when the rows fit the budget.</summary>
    public static JacobianStorage StorageFor(long rowBytes, long budgetBytes) =>
        rowBytes <= budgetBytes ? JacobianStorage.InMemory : JacobianStorage.Streamed;

    /// <param name="parent">The frozen parent, in eval mode.</param>
    public static JacobianFeatures Compute(NtkModel parent, Tensor images, JacobianCacheOptions options, IProgressSink progress, string task)
    {
        var watch = Stopwatch.StartNew();
        long n = images.shape[0];
        int classes = parent.Spec.Classes;
        var first = parent.ParameterList()[0];
        long budget = options.MemoryBudgetBytes ?? MemoryInfo.AvailableBytes() / 2;
        long perSample = BytesFor(parent, 1);
        var store = JacobianRowStore.Create(StorageFor(perSample * n, budget), n, classes, parent.ParameterCount(), first.dtype, first.device,
            options.ScratchFolder ?? Path.GetTempPath());
        var outputs = torch.empty([n, classes], dtype: first.dtype, device: first.device);
        try
        {
            var allClasses = Enumerable.Range(0, classes).ToArray();
            long block = Math.Max(1, BlockBytes / perSample);
            for (long start = 0; start < n; start += block)
            {
                using var scope = torch.NewDisposeScope();
                long size = Math.Min(block, n - start);
                var x = images.narrow(0, start, size);
                // Rows carries a graph back to the input (it records the pass with the input requiring grad): cut it.
                var rows = PerSampleGradients.Rows(parent, x, allClasses).detach();
                using (torch.no_grad())
                {
                    store.Write(start, rows);
                    outputs.narrow(0, start, size).copy_(parent.forward(x));
                }
                progress.Report(task, start + size, n, $"Jacobian rows ({(store.Storage == JacobianStorage.InMemory ? "in memory" : "streamed")})");
            }
        }
        catch
        {
            store.Dispose();
            outputs.Dispose();
            throw;
        }
        return new JacobianFeatures(store, outputs, budget, watch.Elapsed.TotalSeconds);
    }

    /// <summary>The rows (B, classes, parameters) of the given samples.</summary>
    public Tensor Rows(Tensor indices) => _rows.Gather(indices);

    /// <summary>The parent's logits (B, classes) of the given samples.</summary>
    public Tensor Outputs(Tensor indices) => _outputs.index_select(0, indices);

    public string Describe() =>
        $"{MemoryInfo.Format(RowBytes)} of Jacobian rows ({Count} samples × {_rows.Shape[1]} classes × {_rows.Shape[2]} parameters) " +
        (Storage == JacobianStorage.InMemory ? "held in memory" : "streamed from a scratch file") +
        $" (memory budget {MemoryInfo.Format(MemoryBudgetBytes)}), computed in {Seconds:F1} s";

    public void Dispose()
    {
        _rows.Dispose();
        _outputs.Dispose();
    }
}
