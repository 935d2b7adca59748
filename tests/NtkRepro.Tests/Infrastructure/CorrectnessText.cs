using NtkRepro.Numerics.Statistics;

namespace NtkRepro.Tests.Infrastructure;

/// <summary>Correctness as the '1'/'0' text tests write it.</summary>
public static class CorrectnessText
{
    public static string Bits(this Correctness? c) => c?.ToString() ?? throw new InvalidOperationException("no correctness recorded");

    public static string Bits(this Correctness c) => c.ToString();

    public static Correctness AsCorrectness(this string bits) => Correctness.Parse(bits);
}
