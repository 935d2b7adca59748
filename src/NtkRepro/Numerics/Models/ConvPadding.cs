namespace NtkRepro.Numerics.Models;

/// <summary>
/// How a convolution pads each spatial axis: a fixed symmetric amount (PyTorch's convention), or
/// TensorFlow/Haiku's <c>SAME</c>, which pads so that an axis of n pixels gives ⌈n / stride⌉ outputs
/// and puts the odd pixel of the total after the input. SAME decides per input size: a 3x3 stride-2
/// convolution of an even axis is padded (0, 1), so output i reads rows 2i..2i+2 (centre 2i + 1);
/// a 1x1 stride-2 convolution is not padded and reads row 2i.
/// </summary>
public abstract record ConvPadding
{
    /// <summary>The same <paramref name="amount"/> before and after every axis.</summary>
    public static ConvPadding Symmetric(int amount) => new Fixed(amount);

    public static readonly ConvPadding Same = new SamePadding();

    /// <summary>Pixels added (before, after) an axis of <paramref name="size"/> pixels.</summary>
    public abstract (int Before, int After) Amounts(long size, int kernel, int stride);

    private sealed record Fixed(int Amount) : ConvPadding
    {
        public override (int Before, int After) Amounts(long size, int kernel, int stride) => (Amount, Amount);

        public override string ToString() => Amount.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed record SamePadding : ConvPadding
    {
        public override (int Before, int After) Amounts(long size, int kernel, int stride)
        {
            long outputs = (size + stride - 1) / stride;
            int total = (int)Math.Max((outputs - 1) * stride + kernel - size, 0);
            return (total / 2, total - total / 2);
        }

        public override string ToString() => "SAME";
    }
}
