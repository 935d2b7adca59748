namespace NtkRepro.Pipeline.Benchmarks;

/// <summary>One timed variant of a model: each call of <see cref="Step"/> is one timed repetition.</summary>
public sealed record BenchCase(string Model, string Label, string Variant, long Parameters, int Rounds, Action Step)
{
    /// <summary>model/variant, as the peer script names its cases (with the layout in between).</summary>
    public string Key => $"{Model}/{Variant}";
}
