using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using NtkRepro.Numerics.Util;

namespace NtkRepro.Numerics.Eigenimages;

/// <summary>A minimal PNG encoder: 8-bit RGB, no interlacing, filter 0 on every row, zlib (deflate) data.</summary>
public static class PngWriter
{
    public static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <param name="rgb">height·width·3 bytes, row-major, R G B per pixel.</param>
    public static byte[] Encode(int width, int height, byte[] rgb)
    {
        if (width < 1 || height < 1) throw new ArgumentException($"PNG: size {width}x{height} must be positive");
        if (rgb.Length != (long)width * height * 3) throw new ArgumentException($"PNG: {rgb.Length} bytes for {width}x{height} RGB (need {(long)width * height * 3})");
        var output = new MemoryStream();
        output.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(0), width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // colour type: truecolour
        // compression 0, filter 0, interlace 0
        WriteChunk(output, "IHDR", header);
        var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
            for (int y = 0; y < height; y++)
            {
                z.WriteByte(0); // filter type none
                z.Write(rgb, y * width * 3, width * 3);
            }
        WriteChunk(output, "IDAT", raw.ToArray());
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    public static void Write(string path, int width, int height, byte[] rgb)
    {
        var bytes = Encode(width, height, rgb);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        AtomicFile.Write(full, s => s.Write(bytes));
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        uint crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }

    /// <summary>CRC-32 (ISO 3309, polynomial 0xEDB88320) as PNG chunks use it.</summary>
    public static class Crc32
    {
        private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
        {
            uint c = (uint)n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            return c;
        }).ToArray();

        public static uint Update(uint crc, ReadOnlySpan<byte> data)
        {
            foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return crc;
        }

        public static uint Of(ReadOnlySpan<byte> data) => Update(0xFFFFFFFFu, data) ^ 0xFFFFFFFFu;
    }
}
