using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Kernels;

/// <summary>
/// NumPy's .npy format (version 1.0, little-endian, C order) for float32 and float64 tensors,
/// so kernels can be analysed outside .NET with numpy.load.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0];

    public static void Write(string path, Tensor tensor)
    {
        var t = tensor.detach().cpu().contiguous();
        string descr = t.dtype switch
        {
            ScalarType.Float32 => "<f4",
            ScalarType.Float64 => "<f8",
            _ => throw new ArgumentException($"{path}: only float32 and float64 tensors can be written, not {t.dtype}"),
        };
        string shape = t.dim() == 1 ? $"({t.shape[0]},)" : $"({string.Join(", ", t.shape)})";
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        int total = Magic.Length + 2 + header.Length + 1;
        header += new string(' ', (64 - total % 64) % 64) + "\n";
        byte[] data = t.dtype == ScalarType.Float32
            ? System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.data<float>().ToArray().AsSpan()).ToArray()
            : System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.data<double>().ToArray().AsSpan()).ToArray();
        AtomicFile.Write(path, s =>
        {
            s.Write(Magic);
            s.Write(BitConverter.GetBytes((ushort)header.Length));
            s.Write(Encoding.ASCII.GetBytes(header));
            s.Write(data);
        });
    }

    public static Tensor Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic.AsSpan(0, 6)))
            throw new InvalidDataException($"{path}: not a .npy file");
        int headerLength = bytes[6] == 1 ? BitConverter.ToUInt16(bytes, 8) : throw new InvalidDataException($"{path}: npy version {bytes[6]} not supported");
        var header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        var descr = DescrPattern().Match(header);
        var shape = ShapePattern().Match(header);
        if (!descr.Success || !shape.Success || header.Contains("'fortran_order': True"))
            throw new InvalidDataException($"{path}: unsupported npy header {header.Trim()}");
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.Parse(d, CultureInfo.InvariantCulture)).ToArray();
        int offset = 10 + headerLength;
        long count = dims.Aggregate(1L, (a, b) => a * b);
        var payload = bytes.AsSpan(offset);
        return descr.Groups[1].Value switch
        {
            "<f4" when payload.Length == count * 4 => torch.tensor(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(payload).ToArray(), dims),
            "<f8" when payload.Length == count * 8 => torch.tensor(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(payload).ToArray(), dims),
            var d => throw new InvalidDataException($"{path}: dtype {d} with {payload.Length} data bytes does not match shape ({string.Join(",", dims)})"),
        };
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
