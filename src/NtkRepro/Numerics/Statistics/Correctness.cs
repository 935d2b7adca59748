using System.Text.Json;
using System.Text.Json.Serialization;

namespace NtkRepro.Numerics.Statistics;

/// <summary>
/// Which images of a test set, in test order, a classifier got right (under an attack: right both
/// clean and at the attack's point). Written to JSON as a string of '1' (correct) and '0'.
/// </summary>
[JsonConverter(typeof(CorrectnessJsonConverter))]
public readonly struct Correctness : IEquatable<Correctness>
{
    private readonly bool[]? _bits;

    public Correctness(IEnumerable<bool> bits) => _bits = bits.ToArray();

    /// <summary>Images scored.</summary>
    public int Count => _bits?.Length ?? 0;

    public bool this[int image] => (_bits ?? [])[image];

    /// <summary>Images classified correctly.</summary>
    public int Correct => (_bits ?? []).Count(b => b);

    public double Accuracy => Count == 0 ? 0 : Correct / (double)Count;

    /// <summary>Correct under both: per image the worse of the two.</summary>
    public Correctness And(Correctness other) => Combine(other, (a, b) => a && b);

    /// <summary>Correct here and wrong in <paramref name="other"/>: the images <paramref name="other"/> alone breaks.</summary>
    public Correctness AndNot(Correctness other) => Combine(other, (a, b) => a && !b);

    /// <summary>
    /// Per image the worse of this and <paramref name="prefix"/> on the images <paramref name="prefix"/> scored
    /// (the first ones), this one's on the rest: a stronger attack run on the first images only.
    /// </summary>
    public Correctness AndOnFirst(Correctness prefix)
    {
        if (prefix.Count > Count) throw new ArgumentException($"correctness of {prefix.Count} images cannot cover the first images of {Count}");
        var bits = (_bits ?? []).ToArray();
        for (int i = 0; i < prefix.Count; i++) bits[i] &= prefix[i];
        return new Correctness(bits);
    }

    /// <summary>The first <paramref name="images"/> images only.</summary>
    public Correctness First(int images)
    {
        if (images > Count) throw new ArgumentException($"correctness of {Count} images has no first {images}");
        return new Correctness((_bits ?? []).Take(images));
    }

    /// <summary>Per image: correct under every one (the worst case over attacks).</summary>
    public static Correctness All(IReadOnlyList<Correctness> each)
    {
        if (each.Count == 0) return new Correctness([]);
        var result = each[0];
        foreach (var c in each.Skip(1)) result = result.And(c);
        return result;
    }

    /// <summary>1.0 for a correct image, 0.0 otherwise.</summary>
    public double[] ToDoubles() => (_bits ?? []).Select(b => b ? 1.0 : 0.0).ToArray();

    public static Correctness Parse(string bits) =>
        new(bits.Select(c => c switch { '1' => true, '0' => false, _ => throw new FormatException($"correctness bits must be 0 or 1, got '{c}'") }));

    public override string ToString() => new((_bits ?? []).Select(b => b ? '1' : '0').ToArray());

    public bool Equals(Correctness other) => (_bits ?? []).AsSpan().SequenceEqual(other._bits ?? []);

    public override bool Equals(object? obj) => obj is Correctness c && Equals(c);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    public static bool operator ==(Correctness a, Correctness b) => a.Equals(b);

    public static bool operator !=(Correctness a, Correctness b) => !a.Equals(b);

    private Correctness Combine(Correctness other, Func<bool, bool, bool> op)
    {
        if (other.Count != Count) throw new ArgumentException($"correctness of different test sets: {Count} and {other.Count} images");
        var a = _bits ?? [];
        var b = other._bits ?? [];
        return new Correctness(a.Select((x, i) => op(x, b[i])));
    }
}

/// <summary>Reads and writes <see cref="Correctness"/> as its '1'/'0' string.</summary>
public sealed class CorrectnessJsonConverter : JsonConverter<Correctness>
{
    public override Correctness Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException($"correctness: expected a string of 0s and 1s, got {reader.TokenType}");
        try
        {
            return Correctness.Parse(reader.GetString()!);
        }
        catch (FormatException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    public override void Write(Utf8JsonWriter writer, Correctness value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
