using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Data;

/// <summary>
/// Reads the official CIFAR-10 / CIFAR-100 binary formats (plain or gzipped). Every failure names
/// the file and, where it applies, the record.
/// </summary>
public static class CifarReader
{
    public readonly record struct RawRecords(byte[] Labels, byte[] Pixels, int Count);

    public static LabeledImages Read(string path, CifarFormat format, int? maxRecords = null)
    {
        var raw = ReadRaw(path, format, maxRecords);
        return ToTensors(raw, format.Classes, $"{format.Name} {Path.GetFileName(path)}");
    }

    /// <remarks>
    /// Inside a dispose scope: outside one, a temporary of the chain is unreachable while libtorch
    /// still converts it, and a collection that finalizes it then frees the tensor under the
    /// conversion (a native crash in the dtype conversion, at start-up).
    /// </remarks>
    public static LabeledImages ToTensors(RawRecords raw, int classes, string description)
    {
        using var scope = torch.NewDisposeScope();
        var images = torch.tensor(raw.Pixels, ScalarType.Byte)
            .reshape(raw.Count, 3, 32, 32).to(ScalarType.Float32).div_(255f);
        var labels = torch.tensor(raw.Labels, ScalarType.Byte).to(ScalarType.Int64);
        return new LabeledImages(images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope(), classes, description);
    }

    public static RawRecords ReadRaw(string path, CifarFormat format, int? maxRecords = null)
    {
        var bytes = ReadAllBytes(path);
        int rec = format.RecordBytes;
        if (bytes.Length == 0)
            throw new InvalidDataException($"{path}: empty file, expected {format.Name} records of {rec} bytes");
        if (bytes.Length % rec != 0)
        {
            int complete = bytes.Length / rec;
            throw new InvalidDataException(
                $"{path}: length {bytes.Length:N0} bytes is not a multiple of the {format.Name} record size {rec}; " +
                $"record {complete} is truncated ({bytes.Length - complete * rec} of {rec} bytes)");
        }
        int count = bytes.Length / rec;
        if (maxRecords is { } m && m < count) count = m;
        var labels = new byte[count];
        var pixels = new byte[(long)count * CifarFormat.PixelBytes];
        for (int r = 0; r < count; r++)
        {
            byte label = bytes[(long)r * rec + format.LabelByteUsed];
            if (label >= format.Classes)
                throw new InvalidDataException(
                    $"{path}: record {r} (byte offset {(long)r * rec + format.LabelByteUsed:N0}) has label {label}, outside 0..{format.Classes - 1} for {format.Name}");
            labels[r] = label;
            Buffer.BlockCopy(bytes, r * rec + format.LabelBytes, pixels, r * CifarFormat.PixelBytes, CifarFormat.PixelBytes);
        }
        return new RawRecords(labels, pixels, count);
    }

    /// <summary>The file's content, decompressed when it starts with the gzip magic bytes.</summary>
    public static byte[] ReadAllBytes(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: file not found", path);
        using var file = File.OpenRead(path);
        int b0 = file.ReadByte(), b1 = file.ReadByte();
        file.Position = 0;
        if (b0 != 0x1f || b1 != 0x8b)
        {
            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException($"{path}: named .gz but is not gzip data (no gzip magic bytes)");
            var plain = new MemoryStream();
            file.CopyTo(plain);
            return plain.ToArray();
        }
        byte[] content;
        try
        {
            using var gz = new GZipStream(file, CompressionMode.Decompress);
            var output = new MemoryStream();
            gz.CopyTo(output);
            content = output.ToArray();
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new InvalidDataException($"{path}: unreadable gzip data ({e.Message})", e);
        }
        GzipTrailer.Verify(path, content);
        return content;
    }
}
