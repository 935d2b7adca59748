using static TorchSharp.torch;

namespace NtkRepro.Numerics.Util;

public static class TensorExtensions
{
    /// <summary>Same shape, same dtype, and every element equal.</summary>
    public static bool BitEqual(this Tensor a, Tensor b)
    {
        if (a.dtype != b.dtype || !a.shape.SequenceEqual(b.shape)) return false;
        using var eq = a.eq(b).all();
        return eq.item<bool>();
    }
}
