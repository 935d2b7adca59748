namespace NtkRepro.Numerics.Data;

/// <summary>The two official CIFAR binary record layouts.</summary>
public sealed record CifarFormat(string Name, int LabelBytes, int LabelByteUsed, int Classes)
{
    public const int PixelBytes = 3 * 32 * 32;

    /// <summary>1 label byte, then 3072 pixel bytes (R, G, B planes of 32x32).</summary>
    public static readonly CifarFormat Cifar10 = new("CIFAR-10", 1, 0, 10);

    /// <summary>A coarse and a fine label byte, then 3072 pixel bytes; the fine label is used.</summary>
    public static readonly CifarFormat Cifar100 = new("CIFAR-100", 2, 1, 100);

    public int RecordBytes => LabelBytes + PixelBytes;
}
