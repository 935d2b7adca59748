using Microsoft.Win32.SafeHandles;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Training;

/// <summary>Where the Jacobian rows of a training set live: in memory, or streamed from a scratch file.</summary>
public enum JacobianStorage
{
    InMemory,
    Streamed,
}

/// <summary>
/// The Jacobian rows (samples, classes, parameters) of a training set: written block by block in
/// sample order, then read back for any set of samples. Both stores return the same bits.
/// </summary>
internal abstract class JacobianRowStore : IDisposable
{
    protected JacobianRowStore(long samples, long classes, long parameters, ScalarType dtype, Device device)
    {
        Shape = [samples, classes, parameters];
        DType = dtype;
        Device = device;
    }

    public long[] Shape { get; }
    public ScalarType DType { get; }
    public Device Device { get; }
    public abstract JacobianStorage Storage { get; }

    /// <summary>Stores the rows (b, classes, parameters) of samples start..start+b−1.</summary>
    public abstract void Write(long start, Tensor block);

    /// <summary>The rows (B, classes, parameters) of the given samples, in their order, on the store's device.</summary>
    public abstract Tensor Gather(Tensor indices);

    public abstract void Dispose();

    public static JacobianRowStore Create(JacobianStorage storage, long samples, long classes, long parameters, ScalarType dtype, Device device, string scratchFolder) =>
        storage == JacobianStorage.InMemory
            ? new InMemoryRows(samples, classes, parameters, dtype, device)
            : new StreamedRows(samples, classes, parameters, dtype, device, scratchFolder);

    private sealed class InMemoryRows(long samples, long classes, long parameters, ScalarType dtype, Device device)
        : JacobianRowStore(samples, classes, parameters, dtype, device)
    {
        private readonly Tensor _rows = torch.empty([samples, classes, parameters], dtype: dtype, device: device);

        public override JacobianStorage Storage => JacobianStorage.InMemory;
        public override void Write(long start, Tensor block) => _rows.narrow(0, start, block.shape[0]).copy_(block);
        public override Tensor Gather(Tensor indices) => _rows.index_select(0, indices);
        public override void Dispose() => _rows.Dispose();
    }

    /// <summary>One sample's rows after another in a scratch file (deleted on dispose); a gather reads one contiguous range per sample.</summary>
    private sealed class StreamedRows : JacobianRowStore
    {
        private readonly SafeFileHandle _file;
        private readonly long _sampleBytes;

        public StreamedRows(long samples, long classes, long parameters, ScalarType dtype, Device device, string scratchFolder)
            : base(samples, classes, parameters, dtype, device)
        {
            Directory.CreateDirectory(scratchFolder);
            Path = System.IO.Path.Combine(scratchFolder, $"jacobian-rows.{Environment.ProcessId}.{Guid.NewGuid():N}.scratch");
            _file = File.OpenHandle(Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
            using var probe = torch.empty(1, dtype: dtype);
            _sampleBytes = classes * parameters * probe.element_size();
        }

        public string Path { get; }
        public override JacobianStorage Storage => JacobianStorage.Streamed;

        public override void Write(long start, Tensor block)
        {
            using var host = block.cpu().contiguous();
            for (long i = 0; i < host.shape[0]; i++)
            {
                using var sample = host[i];
                RandomAccess.Write(_file, sample.bytes, (start + i) * _sampleBytes);
            }
        }

        public override Tensor Gather(Tensor indices)
        {
            var order = indices.cpu().data<long>().ToArray();
            var rows = torch.empty([order.Length, Shape[1], Shape[2]], dtype: DType);
            for (int i = 0; i < order.Length; i++)
            {
                using var sample = rows[i];
                var target = sample.bytes;
                if (RandomAccess.Read(_file, target, order[i] * _sampleBytes) != target.Length)
                    throw new IOException($"{Path}: short read of sample {order[i]}'s Jacobian rows");
            }
            return Device.type == DeviceType.CPU ? rows : rows.to(Device);
        }

        public override void Dispose() => _file.Dispose();
    }
}
