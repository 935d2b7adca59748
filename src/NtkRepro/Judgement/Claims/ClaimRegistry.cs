using NtkRepro.Judgement.Claims.Paper;
using NtkRepro.Numerics.Statistics;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Judgement.Claims;

/// <summary>
/// The paper's claims C1–C18 (PROTOCOL §4) as pre-registered tests over replicate seeds. Each
/// states a statistic, the direction the paper predicts and a decision rule at the 95% level
/// (one-sided unless said otherwise); the margins are those of the project's first, single-seed
/// checks, kept unchanged. Kernel claims compare an effect with the spread between replicates
/// measured in the same run; accuracy claims use paired differences whose uncertainty combines
/// the replicate spread and the test set's sampling error. Velocities are compared over intervals
/// of one epoch, and curves from a fraction of training on, never at a single grid point.
/// </summary>
public static class ClaimRegistry
{
    public static readonly IReadOnlyList<Claim> All =
    [
        C01.Claim,
        C02.Claim,
        C03.Claim,
        C04.Claim,
        C05.Claim,
        C06.Claim,
        C07.Claim,
        C08.Claim,
        C09.Claim,
        C10.Claim,
        C11.Claim,
        C12.Claim,
        C13.Claim,
        C14.Claim,
        C15.Claim,
        C16.Claim,
        C17.Claim,
        C18.Claim,
    ];

    /// <summary>Every claim's verdict for every variant of the results.</summary>
    public static IReadOnlyList<ClaimVerdict> Evaluate(ReproductionResults results) =>
        results.Variants.SelectMany(v => All.Select(c => c.Evaluate(results, v))).ToList();

    /// <summary>
    /// Whether each decided claim still holds when every testable claim of a variant is taken
    /// together: Holm's procedure at a family-wise 5% over every claim judged on its own tests
    /// (reproduced, contradicted, below the margin or inconclusive, with its
    /// <see cref="ClaimVerdict.FamilyP"/>), so the family does not shrink to the claims that came out
    /// significant. Only decided claims get an entry.
    /// </summary>
    public static IReadOnlyDictionary<(string Id, string Variant), bool> FamilyWise(IReadOnlyList<ClaimVerdict> verdicts)
    {
        var result = new Dictionary<(string, string), bool>();
        foreach (var variant in verdicts.GroupBy(v => v.Variant))
        {
            var testable = variant.Where(v => v.FamilyP is not null).ToList();
            var holds = OneSided.Holm(testable.Select(v => v.FamilyP!.Value).ToList());
            for (int i = 0; i < testable.Count; i++)
                if (testable[i].Verdict is Verdict.Reproduced or Verdict.Contradicted or Verdict.BelowMargin)
                    result[(testable[i].Id, testable[i].Variant)] = holds[i];
        }
        return result;
    }

    /// <summary>How many claims of each variant the family-wise column takes together.</summary>
    public static int FamilySize(IEnumerable<ClaimVerdict> variantVerdicts) => variantVerdicts.Count(v => v.FamilyP is not null);
}
