namespace NtkRepro.Judgement.Claims;

/// <summary>Why a claim's tests cannot be read from the results.</summary>
public enum GapKind
{
    /// <summary>A figure it needs is not in the results (its step has not run, or ran before the figure existed): not run.</summary>
    Missing,
    /// <summary>Nothing the results hold can decide it (C17 with no claim to compare; specialization where it is not measured): not testable.</summary>
    NotTestable,
    /// <summary>A robust figure it needs failed its gradient-masking checks: inconclusive.</summary>
    MaskingSuspected,
}

/// <summary>A gap in what a claim reads, with the reason in words.</summary>
public sealed record Gap(GapKind Kind, string Reason)
{
    public static Gap Missing(string reason) => new(GapKind.Missing, reason);
    public static Gap NotTestable(string reason) => new(GapKind.NotTestable, reason);
    public static Gap MaskingSuspected(string reason) => new(GapKind.MaskingSuspected, reason);
}

/// <summary>
/// A value a claim needs, or the <see cref="Gap"/> that stands where it is missing: what the claim
/// data returns, composed with <c>from … select</c> (the first gap wins), so that a missing result
/// is a value the claim returns, not an exception it unwinds.
/// </summary>
public readonly struct Needed<T>
{
    private readonly T _value;

    private Needed(T value, Gap? gap)
    {
        _value = value;
        Gap = gap;
    }

    /// <summary>What stands where the value is missing; null when it is there.</summary>
    public Gap? Gap { get; }

    public bool IsPresent => Gap is null;

    /// <summary>The value, for code that has checked it is there: asking a gap for its value is a bug.</summary>
    public T Value => Gap is null ? _value : throw new InvalidOperationException($"a gap read as a value: {Gap.Reason}");

    public static Needed<T> Of(T value) => new(value, null);

    public static implicit operator Needed<T>(T value) => new(value, null);

    public static implicit operator Needed<T>(Gap gap) => new(default!, gap);

    public Needed<TOut> Select<TOut>(Func<T, TOut> f) => Gap is null ? Needed<TOut>.Of(f(_value)) : Gap;

    public Needed<TOut> SelectMany<TOut>(Func<T, Needed<TOut>> f) => Gap is null ? f(_value) : Gap;

    public Needed<TOut> SelectMany<TNext, TOut>(Func<T, Needed<TNext>> next, Func<T, TNext, TOut> f)
    {
        if (Gap is not null) return Gap;
        var value = _value;
        var n = next(value);
        return n.Gap is null ? Needed<TOut>.Of(f(value, n._value)) : n.Gap;
    }

    /// <summary>The value, or <paramref name="fallback"/> where it is missing.</summary>
    public T Or(T fallback) => Gap is null ? _value : fallback;
}

public static class Needed
{
    public static Needed<T> Of<T>(T value) => Needed<T>.Of(value);

    /// <summary>Every value, in order, or the first gap.</summary>
    public static Needed<IReadOnlyList<T>> All<T>(this IEnumerable<Needed<T>> items)
    {
        var values = new List<T>();
        foreach (var item in items)
        {
            if (item.Gap is { } gap) return gap;
            values.Add(item.Value);
        }
        return Of<IReadOnlyList<T>>(values);
    }

    /// <summary>A claim's tests as its reading.</summary>
    public static Needed<IReadOnlyList<TestResult>> Tests(params TestResult[] tests) => Of<IReadOnlyList<TestResult>>(tests);

    /// <summary>The value where <paramref name="holds"/>, else a missing result with the reason.</summary>
    public static Needed<T> Where<T>(T value, bool holds, string missing) => holds ? Of(value) : Gap.Missing(missing);
}
