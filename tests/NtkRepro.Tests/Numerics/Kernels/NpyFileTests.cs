using System.Text;
using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Util;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;

namespace NtkRepro.Tests.Numerics.Kernels;

[Tier(TestTier.Fast)]
public class NpyFileTests
{
    [Theory]
    [InlineData(torch.ScalarType.Float32, "<f4")]
    [InlineData(torch.ScalarType.Float64, "<f8")]
    public void WritesTheNumpyFormatAndReadsItBack(torch.ScalarType dtype, string descr)
    {
        var path = Path.Combine(TestData.TempDir("npy"), "k.npy");
        using var t = torch.arange(24, dtype: dtype).reshape(2, 3, 4);
        NpyFile.Write(path, t);
        var bytes = File.ReadAllBytes(path);
        // NumPy format 1.0: magic, version, header length; header padded so data starts at a multiple of 64.
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, bytes[..8]);
        int headerLength = BitConverter.ToUInt16(bytes, 8);
        Assert.Equal(0, (10 + headerLength) % 64);
        var header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.StartsWith($"{{'descr': '{descr}', 'fortran_order': False, 'shape': (2, 3, 4), }}", header);
        Assert.EndsWith("\n", header);
        Assert.Equal(10 + headerLength + 24 * (dtype == torch.ScalarType.Float32 ? 4 : 8), bytes.Length);
        Assert.True(NpyFile.Read(path).BitEqual(t));
    }

    [Fact]
    public void RejectsNonNpyFilesNamingThem()
    {
        var path = Path.Combine(TestData.TempDir("npy"), "bad.npy");
        File.WriteAllText(path, "hello world");
        Assert.Contains(path, Assert.Throws<InvalidDataException>(() => NpyFile.Read(path)).Message);
    }
}
