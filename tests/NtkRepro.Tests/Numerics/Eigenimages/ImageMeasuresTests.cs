using NtkRepro.Numerics.Eigenimages;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Numerics.Eigenimages;

[Tier(TestTier.Fast)]
public class ImageMeasuresTests
{
    /// <summary>The oracle: a naive O(n⁴) DFT per channel, written independently of torch.fft.</summary>
    private static double NaiveLowFrequencyEnergy(double[,,] x, int cutoff)
    {
        int ch = x.GetLength(0), h = x.GetLength(1), w = x.GetLength(2);
        double low = 0, total = 0;
        for (int c = 0; c < ch; c++)
            for (int ky = 0; ky < h; ky++)
                for (int kx = 0; kx < w; kx++)
                {
                    double re = 0, im = 0;
                    for (int y = 0; y < h; y++)
                        for (int xx = 0; xx < w; xx++)
                        {
                            double angle = -2 * Math.PI * ((double)ky * y / h + (double)kx * xx / w);
                            double d = x[c, y, xx] - 0.5;
                            re += d * Math.Cos(angle);
                            im += d * Math.Sin(angle);
                        }
                    if (ky == 0 && kx == 0) continue;
                    int fy = ky < h / 2 ? ky : ky - h, fx = kx < w / 2 ? kx : kx - w;
                    double e = re * re + im * im;
                    total += e;
                    if (Math.Max(Math.Abs(fy), Math.Abs(fx)) <= cutoff) low += e;
                }
        return low / total;
    }

    private static double[,,] ToArray(Tensor t)
    {
        var values = t.to(float64).contiguous().data<double>().ToArray();
        int c = (int)t.shape[0], h = (int)t.shape[1], w = (int)t.shape[2];
        var a = new double[c, h, w];
        Buffer.BlockCopy(values, 0, a, 0, values.Length * sizeof(double));
        return a;
    }

    [Theory]
    [InlineData(1, 4)]
    [InlineData(2, 2)]
    [InlineData(3, 7)]
    public void LowFrequencyEnergyMatchesANaiveDft(int seed, int cutoff)
    {
        torch.manual_seed(seed);
        // Smoothed noise, so the fraction is far from the white-noise value (a coarse 8x8 pattern upsampled, plus noise).
        using var coarse = torch.rand(1, 3, 8, 8, dtype: float64);
        using var up = torch.nn.functional.interpolate(coarse, [32, 32], mode: InterpolationMode.Bilinear, align_corners: false)[0];
        using var image = (up * 0.8 + torch.rand(3, 32, 32, dtype: float64) * 0.2).clamp(0, 1);
        double expected = NaiveLowFrequencyEnergy(ToArray(image), cutoff);
        Assert.Equal(expected, ImageMeasures.LowFrequencyEnergy(image, cutoff), 10);
    }

    [Fact]
    public void NaiveOracleAgreesOnANonSquareSmallImage()
    {
        torch.manual_seed(2);
        using var image = torch.rand(2, 8, 6, dtype: float64);
        Assert.Equal(NaiveLowFrequencyEnergy(ToArray(image), 1), ImageMeasures.LowFrequencyEnergy(image, 1), 10);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 2)]
    [InlineData(4, 4)]
    [InlineData(-4, 1)]
    public void PureLowFrequencyCosineIsAllLow(int fx, int fy)
    {
        var image = LowFrequencyImage(fx, fy);
        Assert.Equal(1.0, ImageMeasures.LowFrequencyEnergy(image), 12);
    }

    [Fact]
    public void FrequencyFiveIsAllHigh()
    {
        // Just past the cutoff: the definition's edge (max(|kx|,|ky|) ≤ 4 is low, 5 is not).
        Assert.Equal(0.0, ImageMeasures.LowFrequencyEnergy(LowFrequencyImage(5, 0)), 12);
        Assert.Equal(1.0, ImageMeasures.LowFrequencyEnergy(LowFrequencyImage(5, 0), cutoff: 5), 12);
    }

    [Fact]
    public void CheckerboardIsAllHigh()
    {
        using var i = torch.arange(32, dtype: float64);
        using var board = 0.5 + 0.3 * ((i.reshape(-1, 1) + i.reshape(1, -1)).remainder(2) * 2 - 1);
        using var image = board.expand(3, 32, 32).contiguous();
        Assert.Equal(0.0, ImageMeasures.LowFrequencyEnergy(image), 12);
    }

    [Fact]
    public void WhiteNoiseGivesTheCountingFraction()
    {
        torch.manual_seed(11);
        double mean = Enumerable.Range(0, 20).Average(_ =>
        {
            using var noise = torch.rand(3, 32, 32, dtype: float64);
            return ImageMeasures.LowFrequencyEnergy(noise);
        });
        Assert.InRange(mean, 80.0 / 1023 - 0.01, 80.0 / 1023 + 0.01);
    }

    [Fact]
    public void ConstantImageHasNoFraction()
    {
        using var grey = torch.full(3, 32, 32, 0.5, dtype: float64);
        using var flat = torch.full(3, 32, 32, 0.9, dtype: float64);
        Assert.True(double.IsNaN(ImageMeasures.LowFrequencyEnergy(grey)));
        Assert.True(double.IsNaN(ImageMeasures.LowFrequencyEnergy(flat)));
        Assert.Equal(0.0, ImageMeasures.TotalVariation(flat));
    }

    [Fact]
    public void TotalVariationOfARampAndACheckerboard()
    {
        // Horizontal ramp with step 0.01: horizontal differences 0.01, vertical 0; 31·32 of each per channel.
        using var ramp = (torch.arange(32, dtype: float64) * 0.01).expand(3, 32, 32).contiguous();
        Assert.Equal(0.005, ImageMeasures.TotalVariation(ramp), 12);
        using var i = torch.arange(32, dtype: float64);
        using var board = ((i.reshape(-1, 1) + i.reshape(1, -1)).remainder(2)).expand(3, 32, 32).contiguous();
        Assert.Equal(1.0, ImageMeasures.TotalVariation(board), 12);
        Assert.Equal(0.5, ImageMeasures.MeanAbsChange(board), 12);
    }

    [Fact]
    public void SignedFrequenciesCoverTheSymmetricRange()
    {
        using var f = ImageMeasures.SignedFrequencies(32);
        var values = f.data<long>().ToArray();
        Assert.Equal(Enumerable.Range(0, 16).Select(k => (long)k).Concat(Enumerable.Range(-16, 16).Select(k => (long)k)), values);
    }

    private static Tensor LowFrequencyImage(int fx, int fy)
    {
        using var y = torch.arange(32, dtype: float64).reshape(-1, 1);
        using var x = torch.arange(32, dtype: float64).reshape(1, -1);
        var channel = 0.5 + 0.2 * torch.cos(2 * Math.PI * (fx * x + fy * y) / 32 + 0.3);
        return torch.stack([channel, 0.5 + 0.5 * (channel - 0.5), 1 - channel]);
    }
}
