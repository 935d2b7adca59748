using NtkRepro.Experiments;

namespace NtkRepro.Claims;

/// <summary>What a check found: whether the claim holds, the measured figures, a one-line account.</summary>
public sealed record Outcome(bool Holds, string Measured, IReadOnlyDictionary<string, double> Figures);

/// <summary>
/// One claim of the paper as a test: what it says, the metric (computed from run artifacts), the
/// check with its thresholds (fixed here, before any result was seen), and at which scales it
/// is checkable (and why not elsewhere).
/// </summary>
public sealed record Claim(
    string Id,
    string Where,
    string Statement,
    string PaperFigure,
    string Metric,
    string Check,
    IReadOnlyList<string> CheckableAt,
    IReadOnlyDictionary<string, string> NotCheckableBecause,
    Func<ResultsView, Outcome> Evaluate);

public static class Verdicts
{
    public const string Reproduced = "reproduced";
    public const string NotReproduced = "not reproduced";
    public const string NotRun = "not run";
}

/// <summary>A claim's verdict at one scale.</summary>
public sealed record ClaimVerdict(string Id, string Statement, string PaperFigure, string Check, string Status, string Measured,
    IReadOnlyDictionary<string, double> Figures)
{
    public static ClaimVerdict For(Claim claim, ReproductionResults results)
    {
        if (!claim.CheckableAt.Contains(results.Scale))
        {
            var why = claim.NotCheckableBecause.TryGetValue(results.Scale, out var r) ? r
                : claim.NotCheckableBecause.TryGetValue("*", out var any) ? any : $"not checkable at the {results.Scale} scale";
            return new(claim.Id, claim.Statement, claim.PaperFigure, claim.Check, Verdicts.NotRun, why, new Dictionary<string, double>());
        }
        try
        {
            var outcome = claim.Evaluate(new ResultsView(results));
            return new(claim.Id, claim.Statement, claim.PaperFigure, claim.Check,
                outcome.Holds ? Verdicts.Reproduced : Verdicts.NotReproduced, outcome.Measured, outcome.Figures);
        }
        catch (MissingResultException e)
        {
            return new(claim.Id, claim.Statement, claim.PaperFigure, claim.Check, Verdicts.NotRun, e.Message, new Dictionary<string, double>());
        }
    }
}
