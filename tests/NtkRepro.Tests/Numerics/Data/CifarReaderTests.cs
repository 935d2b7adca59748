using System.IO.Compression;
using NtkRepro.Numerics.Data;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Numerics.Data;

[Tier(TestTier.Fast)]
public class CifarReaderTests
{
    /// <summary>Records whose pixel bytes encode (record, channel, row, col) so decoding is checkable.</summary>
    private static byte[] Records(CifarFormat format, params byte[] labels)
    {
        var bytes = new byte[labels.Length * format.RecordBytes];
        for (int r = 0; r < labels.Length; r++)
        {
            int o = r * format.RecordBytes;
            if (format.LabelBytes == 2) bytes[o] = 7; // coarse label, ignored
            bytes[o + format.LabelByteUsed] = labels[r];
            for (int p = 0; p < CifarFormat.PixelBytes; p++)
                bytes[o + format.LabelBytes + p] = (byte)((p * 7 + r * 31) % 256);
        }
        return bytes;
    }

    private static string Write(string name, byte[] bytes, bool gzip = false)
    {
        var path = Path.Combine(TestData.TempDir("cifar"), name);
        if (!gzip) File.WriteAllBytes(path, bytes);
        else
        {
            using var f = File.Create(path);
            using var gz = new GZipStream(f, CompressionLevel.Fastest);
            gz.Write(bytes);
        }
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DecodesLabelsAndPlanesInOfficialLayout(bool gzip)
    {
        var path = Write(gzip ? "b.bin.gz" : "b.bin", Records(CifarFormat.Cifar10, 3, 9), gzip);
        using var d = CifarReader.Read(path, CifarFormat.Cifar10);
        Assert.Equal(new long[] { 3, 9 }, d.LabelArray());
        Assert.Equal(new long[] { 2, 3, 32, 32 }, d.Images.shape);
        // Record 1, channel G (plane 1), row 2, column 5 is pixel byte 1024 + 2*32 + 5.
        int p = 1024 + 2 * 32 + 5;
        Assert.Equal(((p * 7 + 31) % 256) / 255f, d.Images[1, 1, 2, 5].item<float>(), 6);
        Assert.InRange(d.Images.min().item<float>(), 0f, 1f);
        Assert.InRange(d.Images.max().item<float>(), 0f, 1f);
    }

    [Fact]
    public void Cifar100UsesTheFineLabel()
    {
        var path = Write("c100.bin", Records(CifarFormat.Cifar100, 42, 99));
        using var d = CifarReader.Read(path, CifarFormat.Cifar100);
        Assert.Equal(new long[] { 42, 99 }, d.LabelArray());
    }

    [Fact]
    public void TruncatedFileNamesFileAndRecord()
    {
        var bytes = Records(CifarFormat.Cifar10, 1, 2, 3);
        var path = Write("trunc.bin", bytes[..^100]);
        var e = Assert.Throws<InvalidDataException>(() => CifarReader.Read(path, CifarFormat.Cifar10));
        Assert.Contains(path, e.Message);
        Assert.Contains("record 2 is truncated", e.Message);
    }

    [Fact]
    public void LabelOutOfRangeNamesFileAndRecord()
    {
        var path = Write("label.bin.gz", Records(CifarFormat.Cifar10, 1, 11, 3), gzip: true);
        var e = Assert.Throws<InvalidDataException>(() => CifarReader.Read(path, CifarFormat.Cifar10));
        Assert.Contains(path, e.Message);
        Assert.Contains("record 1", e.Message);
        Assert.Contains("label 11", e.Message);
    }

    [Fact]
    public void UnreadableGzipIsReported()
    {
        var good = Records(CifarFormat.Cifar10, 1, 2);
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(good);
        var gzBytes = ms.ToArray();
        for (int i = 20; i < gzBytes.Length - 8; i++) gzBytes[i] ^= 0x5a; // corrupt the deflate stream
        var path = Write("bad.bin.gz", gzBytes);
        var e = Assert.Throws<InvalidDataException>(() => CifarReader.Read(path, CifarFormat.Cifar10));
        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData(4)]      // inside the trailer
    [InlineData(8)]      // the whole trailer
    [InlineData(3000)]   // inside the deflate data
    public void TruncatedGzipSaysSoAndNamesTheFile(int bytesCut)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.NoCompression, leaveOpen: true)) gz.Write(Records(CifarFormat.Cifar10, 1, 2, 3));
        var full = ms.ToArray();
        var path = Write("cut.bin.gz", full[..^bytesCut]);
        var e = Assert.Throws<InvalidDataException>(() => CifarReader.Read(path, CifarFormat.Cifar10));
        Assert.Contains(path, e.Message);
        Assert.Contains("gzip stream is truncated", e.Message);
    }

    [Fact]
    public void ConcatenatedGzipMembersAreReadWhole()
    {
        var ms = new MemoryStream();
        foreach (var labels in new[] { new byte[] { 1, 2 }, new byte[] { 3 } })
            using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(Records(CifarFormat.Cifar10, labels));
        var path = Write("members.bin.gz", ms.ToArray());
        using var d = CifarReader.Read(path, CifarFormat.Cifar10);
        Assert.Equal(new long[] { 1, 2, 3 }, d.LabelArray());
    }

    [Fact]
    public void Crc32MatchesTheStandardCheckValue() =>
        Assert.Equal(0xCBF43926u, GzipTrailer.Crc32("123456789"u8)); // the CRC-32/ISO-HDLC check value

    [Fact]
    public void NotGzipButNamedGzIsReported()
    {
        var path = Write("plain.bin.gz", Records(CifarFormat.Cifar10, 1));
        var e = Assert.Throws<InvalidDataException>(() => CifarReader.Read(path, CifarFormat.Cifar10));
        Assert.Contains("not gzip", e.Message);
    }

    [Fact]
    public void MissingFileIsReported()
    {
        var e = Assert.Throws<FileNotFoundException>(() => CifarReader.Read("/nonexistent/x.bin", CifarFormat.Cifar10));
        Assert.Contains("/nonexistent/x.bin", e.Message);
    }

    /// <summary>
    /// Converting records leaves no tensor for the garbage collector: a temporary of the conversion created outside a
    /// dispose scope is unreachable while libtorch still works on it, and a collection that finalizes it then frees it
    /// under the conversion (a mini worker died of exactly that at start-up). Counted by TorchSharp's per-thread
    /// statistics: after the result is disposed, as many tensors are alive as before.
    /// </summary>
    [Fact]
    public void ConvertingRecordsLeavesNoTensorForTheCollector()
    {
        var raw = new CifarReader.RawRecords([1, 2], Records(CifarFormat.Cifar10, 1, 2).Where((_, i) => i % CifarFormat.Cifar10.RecordBytes != 0).ToArray(), 2);
        var statistics = TorchSharp.DisposeScopeManager.Statistics;
        long before = statistics.ThreadTotalLiveCount, outside = statistics.CreatedOutsideScopeCount;
        using (var images = CifarReader.ToTensors(raw, 10, "two records"))
            Assert.Equal([2L, 3, 32, 32], images.Images.shape);
        Assert.Equal(before, statistics.ThreadTotalLiveCount);
        Assert.Equal(outside, statistics.CreatedOutsideScopeCount);
    }
}
