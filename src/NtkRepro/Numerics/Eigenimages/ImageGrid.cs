using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Eigenimages;

/// <summary>Tiles images (C, H, W) with values in [0,1] into one RGB picture: rows × columns, enlarged and separated by white gaps.</summary>
public static class ImageGrid
{
    /// <param name="cells">Rows of cells; a null cell (or a short row) is left white.</param>
    /// <param name="scale">Each pixel becomes a scale×scale block (nearest neighbour).</param>
    /// <param name="gap">White pixels between and around tiles.</param>
    public static (int Width, int Height, byte[] Rgb) Compose(IReadOnlyList<IReadOnlyList<Tensor?>> cells, int scale = 4, int gap = 4)
    {
        if (scale < 1 || gap < 0) throw new ArgumentException($"image grid: scale {scale} must be ≥ 1 and gap {gap} ≥ 0");
        var any = cells.SelectMany(r => r).FirstOrDefault(t => t is not null) ?? throw new ArgumentException("image grid: no images");
        int h = (int)any.shape[^2], w = (int)any.shape[^1];
        int rows = cells.Count, cols = cells.Max(r => r.Count);
        int width = gap + cols * (w * scale + gap), height = gap + rows * (h * scale + gap);
        var rgb = new byte[width * height * 3];
        Array.Fill(rgb, (byte)255);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cells[r].Count; c++)
            {
                if (cells[r][c] is not { } image) continue;
                if (image.dim() != 3 || image.shape[1] != h || image.shape[2] != w)
                    throw new ArgumentException($"image grid: cell ({r}, {c}) has shape ({string.Join(", ", image.shape)}), expected (C, {h}, {w})");
                var bytes = ToBytes(image);
                int channels = (int)image.shape[0];
                int top = gap + r * (h * scale + gap), left = gap + c * (w * scale + gap);
                for (int y = 0; y < h * scale; y++)
                    for (int x = 0; x < w * scale; x++)
                    {
                        int o = ((top + y) * width + left + x) * 3;
                        for (int k = 0; k < 3; k++)
                            rgb[o + k] = bytes[(channels == 1 ? 0 : k) * h * w + (y / scale) * w + x / scale];
                    }
            }
        return (width, height, rgb);
    }

    /// <summary>A (C, H, W) image in [0,1] as bytes, channel-major, values clipped and rounded.</summary>
    public static byte[] ToBytes(Tensor image)
    {
        using var scope = torch.NewDisposeScope();
        var values = image.to(ScalarType.Float64).cpu().clamp(0, 1).mul(255).round().to(ScalarType.Byte).contiguous();
        return values.data<byte>().ToArray();
    }
}
