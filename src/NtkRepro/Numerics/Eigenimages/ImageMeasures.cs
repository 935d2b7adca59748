using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Eigenimages;

/// <summary>
/// Quantitative proxies for "visually interpretable", fixed before any result was seen. Both act on
/// the image's change from grey d = x − 0.5, an image (C, H, W).
/// </summary>
public static class ImageMeasures
{
    public const double Grey = 0.5;
    public const int DefaultCutoff = 4;

    /// <summary>
    /// Low-frequency energy: per channel the 2-D DFT F of d; the fraction of the energy Σ|F(k)|²
    /// outside the DC term k = (0, 0) that lies at spatial frequencies with max(|kx|, |ky|) ≤
    /// <paramref name="cutoff"/> cycles per image, numerator and denominator summed over channels.
    /// Frequencies are indices in the symmetric range −H/2..H/2−1 (−16..15 for 32x32). White noise
    /// gives about ((2·cutoff+1)² − 1)/(H·W − 1) (0.078 for 32x32, cutoff 4). NaN when d is constant
    /// (no energy outside DC).
    /// </summary>
    public static double LowFrequencyEnergy(Tensor image, int cutoff = DefaultCutoff)
    {
        RequireImage(image);
        using var scope = torch.NewDisposeScope();
        var d = image.to(ScalarType.Float64).cpu() - Grey;
        long h = d.shape[1], w = d.shape[2];
        var power = torch.fft.fft2(d).abs().pow(2).sum([0]); // (H, W), summed over channels
        var ky = SignedFrequencies(h).abs().reshape(-1, 1);
        var kx = SignedFrequencies(w).abs().reshape(1, -1);
        var notDc = ky.ne(0).logical_or(kx.ne(0)).to(ScalarType.Float64);             // (H, W)
        var low = torch.maximum(ky, kx).le(cutoff).to(ScalarType.Float64) * notDc;
        double total = (power * notDc).sum().ToDouble();
        double lowEnergy = (power * low).sum().ToDouble();
        return total <= 1e-30 * Math.Max(1, power[0, 0].ToDouble()) ? double.NaN : lowEnergy / total;
    }

    /// <summary>Anisotropic total variation of d: the mean of |d(i+1,j) − d(i,j)| and |d(i,j+1) − d(i,j)| over all neighbour pairs and channels.</summary>
    public static double TotalVariation(Tensor image)
    {
        RequireImage(image);
        using var scope = torch.NewDisposeScope();
        var d = image.to(ScalarType.Float64).cpu();
        var dy = (d[.., 1.., ..] - d[.., ..^1, ..]).abs();
        var dx = (d[.., .., 1..] - d[.., .., ..^1]).abs();
        return (dy.sum().ToDouble() + dx.sum().ToDouble()) / (dy.numel() + dx.numel());
    }

    /// <summary>Mean |x − 0.5| over pixels and channels: how far the image moved from grey.</summary>
    public static double MeanAbsChange(Tensor image)
    {
        RequireImage(image);
        using var scope = torch.NewDisposeScope();
        return (image.to(ScalarType.Float64).cpu() - Grey).abs().mean().ToDouble();
    }

    /// <summary>DFT index k → signed frequency: k for k &lt; n/2, k − n otherwise (−n/2..n/2−1).</summary>
    public static Tensor SignedFrequencies(long n)
    {
        var k = torch.arange(n, dtype: ScalarType.Int64);
        return torch.where(k < n / 2, k, k - n);
    }

    private static void RequireImage(Tensor image)
    {
        if (image.dim() != 3) throw new ArgumentException($"image measures: expected one image (C, H, W), got shape ({string.Join(", ", image.shape)})");
    }
}
