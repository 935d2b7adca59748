using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using NtkRepro.Numerics.Eigenimages;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Numerics.Eigenimages;

[Tier(TestTier.Fast)]
public class PngWriterTests
{
    /// <summary>Width and height from the IHDR chunk, after checking the signature and that IHDR comes first.</summary>
    public static (int Width, int Height) Dimensions(byte[] png)
    {
        Assert.Equal(PngWriter.Signature, png[..8]);
        Assert.Equal("IHDR", Encoding.ASCII.GetString(png, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    /// <summary>An independent reader: walks the chunks, checks every CRC, inflates IDAT and removes the filter bytes.</summary>
    private static (int Width, int Height, byte[] Rgb, List<string> Chunks) Decode(byte[] png)
    {
        var (w, h) = Dimensions(png);
        var chunks = new List<string>();
        var idat = new MemoryStream();
        int offset = 8;
        while (offset < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            string type = Encoding.ASCII.GetString(png, offset + 4, 4);
            var body = png.AsSpan(offset + 4, 4 + length); // type + data
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            Assert.Equal(BitwiseCrc32(body), crc);
            if (type == "IHDR") Assert.Equal(new byte[] { 8, 2, 0, 0, 0 }, png[(offset + 16)..(offset + 21)]);
            if (type == "IDAT") idat.Write(png, offset + 8, length);
            chunks.Add(type);
            offset += 12 + length;
        }
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        z.CopyTo(raw);
        var bytes = raw.ToArray();
        Assert.Equal(h * (1 + 3 * w), bytes.Length);
        var rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
        {
            Assert.Equal(0, bytes[y * (1 + 3 * w)]);
            Array.Copy(bytes, y * (1 + 3 * w) + 1, rgb, y * w * 3, 3 * w);
        }
        return (w, h, rgb, chunks);
    }

    /// <summary>CRC-32 bit by bit (no table), independent of the writer's.</summary>
    private static uint BitwiseCrc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }

    [Fact]
    public void WritesAValidPngWithItsPixels()
    {
        var rng = new Random(1);
        int w = 7, h = 5;
        var rgb = new byte[w * h * 3];
        rng.NextBytes(rgb);
        var png = PngWriter.Encode(w, h, rgb);
        var decoded = Decode(png);
        Assert.Equal((7, 5), (decoded.Width, decoded.Height));
        Assert.Equal(rgb, decoded.Rgb);
        Assert.Equal(["IHDR", "IDAT", "IEND"], decoded.Chunks);
    }

    [Fact]
    public void CrcHasTheCheckValue()
    {
        Assert.Equal(0xCBF43926u, PngWriter.Crc32.Of(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0xCBF43926u, BitwiseCrc32(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void WrongBufferSizeIsRefused()
    {
        Assert.Contains("need 12", Assert.Throws<ArgumentException>(() => PngWriter.Encode(2, 2, new byte[11])).Message);
    }

    [Fact]
    public void GridPlacesEachImageInItsCell()
    {
        using var red = torch.zeros(3, 2, 2, dtype: float64);
        red[0] = torch.ones(2, 2, dtype: float64);
        using var grey = torch.full(3, 2, 2, 0.5, dtype: float64);
        var (w, h, rgb) = ImageGrid.Compose([[red, null], [grey, red]], scale: 3, gap: 1);
        Assert.Equal((1 + 2 * 7, 1 + 2 * 7), (w, h));
        byte[] Pixel(int x, int y) => rgb[((y * w + x) * 3)..((y * w + x) * 3 + 3)];
        Assert.Equal(new byte[] { 255, 0, 0 }, Pixel(1, 1));           // row 0, col 0: red
        Assert.Equal(new byte[] { 255, 0, 0 }, Pixel(6, 6));           // its last enlarged pixel
        Assert.Equal(new byte[] { 255, 255, 255 }, Pixel(0, 0));       // gap
        Assert.Equal(new byte[] { 255, 255, 255 }, Pixel(9, 3));       // the null cell stays white
        Assert.Equal(new byte[] { 128, 128, 128 }, Pixel(1, 9));       // row 1, col 0: grey
        Assert.Equal(new byte[] { 255, 0, 0 }, Pixel(13, 13));         // row 1, col 1: red
        var (dw, dh) = Dimensions(PngWriter.Encode(w, h, rgb));
        Assert.Equal((w, h), (dw, dh));
    }
}
