using System.Text.Json.Serialization;
using NtkRepro.Numerics.Statistics;

namespace NtkRepro.Numerics.Attacks;

/// <summary>One attack's accuracy on the suite's images, with which images stayed robust-correct.</summary>
public sealed record AttackAccuracy(string Attack, double Accuracy, Correctness Correct)
{
    public static AttackAccuracy Of(string attack, Correctness correct) => new(attack, correct.Accuracy, correct);
}

/// <summary>Accuracy under the sweep's attack at one radius, with which images stayed robust-correct.</summary>
public sealed record SweepPoint(double Epsilon, double Accuracy, Correctness Correct)
{
    public static SweepPoint Of(double epsilon, Correctness correct) => new(epsilon, correct.Accuracy, correct);
}

/// <summary>
/// What <see cref="AttackSuite.Run"/> found for one classifier: the accuracy under each attack
/// and under their per-image worst case, the ε sweep, the transfer attack, the fraction of images
/// whose input gradient is exactly zero, and the per-replicate checks that failed (<see cref="MaskingChecks"/>),
/// derived from the stored figures whenever the report is read, so that a stored report is judged by today's rules.
/// A failed check means the white-box figures may overstate robustness (gradient masking or a
/// weak attack); it does not make them larger than the truth, which they bound from above.
/// Correctness covers the first <see cref="Count"/> test images (<see cref="Subset"/> says which).
/// </summary>
/// <param name="Subset">Which images were attacked, in words.</param>
/// <param name="SweepInversions">Images robust at a sweep radius after being broken at a smaller one.</param>
/// <param name="TransferOnlyBreaks">Images robust to the white-box worst case but broken by the transfer attack; null without a source.</param>
/// <param name="NonFiniteGradientSteps">Attack steps on the target (and clean-gradient passes) whose input gradient had a NaN or infinity.</param>
/// <param name="SanityFailures">Attack points outside their ball or [0,1], or NaN; included in <see cref="FailedChecks"/>.</param>
/// <param name="Tolerance">Images each paired check allowed (<see cref="MaskingChecks.Tolerance"/>).</param>
public sealed record MaskingReport(
    string Subset, int Count, double Epsilon, double CleanAccuracy, Correctness CleanCorrect,
    IReadOnlyList<AttackAccuracy> Attacks, double WorstCaseAccuracy, Correctness WorstCaseCorrect,
    string SweepAttack, IReadOnlyList<SweepPoint> Sweep, int SweepInversions, double MaxAccuracyAtLargestRadius,
    string? TransferAttack, double? TransferAccuracy, Correctness? TransferCorrect, int? TransferOnlyBreaks,
    double ZeroGradientFraction, long NonFiniteGradientSteps, int Tolerance,
    IReadOnlyList<string> SanityFailures, double Seconds)
{
    /// <summary>
    /// The sanity failures and the failed per-replicate checks. Written to JSON for the reader; on
    /// reading it is derived again (an older report's stored list, which judged the transfer attack
    /// per replicate, is ignored).
    /// </summary>
    public IReadOnlyList<string> FailedChecks =>
        [.. SanityFailures, .. MaskingChecks.Failures(Count, ZeroGradientImages, Sweep.Select(s => s.Epsilon).ToList(), Sweep.Select(s => s.Correct).ToList(), MaxAccuracyAtLargestRadius)];

    /// <summary>True when no per-replicate check failed (the transfer check is per figure: <see cref="MaskingChecks.CompareTransfer"/>).</summary>
    public bool Ok => FailedChecks.Count == 0;

    /// <summary>Images whose input gradient was exactly zero.</summary>
    [JsonIgnore]
    public int ZeroGradientImages => (int)Math.Round(ZeroGradientFraction * Count);

    /// <summary>Images the strongest white-box attack alone broke, among the suite's attacks and the transfer attack; null without a source.</summary>
    public int? StrongestWhiteBoxOnlyBreaks =>
        TransferCorrect is { } transfer ? MaskingChecks.StrongestWhiteBoxOnlyBreaks(Attacks.Select(a => a.Correct).ToList(), transfer) : null;

    /// <summary>Attack name → accuracy, the suite's table (the worst case under "worst case").</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, double> AccuracyByAttack =>
        Attacks.Select(a => KeyValuePair.Create(a.Attack, a.Accuracy)).Append(KeyValuePair.Create(WorstCaseName, WorstCaseAccuracy)).ToDictionary();

    public const string WorstCaseName = "worst case";
}
