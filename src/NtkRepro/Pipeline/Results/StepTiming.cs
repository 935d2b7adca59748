namespace NtkRepro.Pipeline.Results;

/// <summary>Wall time of one step as measured where and when it ran (Cached: this invocation reused it); <see cref="Kind"/> groups it in the report.</summary>
public sealed record StepTiming(string Step, double Seconds, bool Cached, string Machine)
{
    public string? Kind { get; init; }
}
