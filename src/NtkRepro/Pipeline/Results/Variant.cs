using System.Globalization;

namespace NtkRepro.Pipeline.Results;

/// <summary>One dataset at one attack radius: the paper repeats the whole protocol for each (CIFAR-10 and -100, ε = 4/255 and 8/255).</summary>
public sealed record Variant(string Dataset, double Epsilon255)
{
    public double Epsilon => Epsilon255 / 255.0;

    /// <summary>The folder and key prefix: cifar10-eps4.</summary>
    public string Name => $"{Dataset}-eps{Epsilon255.ToString("0.##", CultureInfo.InvariantCulture)}";

    public override string ToString() => $"{Dataset}, ε = {Epsilon255.ToString("0.##", CultureInfo.InvariantCulture)}/255";
}
