using NtkRepro.Numerics.Statistics;
using NtkRepro.Pipeline.Results;
using static NtkRepro.Judgement.Claims.Paper.ClaimHelpers;

namespace NtkRepro.Judgement.Claims.Paper;

internal static class C16
{
    public static readonly Claim Claim = new(
        Id: "C16",
        Where: "§8",
        Statement: "Top eigenvectors of the AT-learned NTK show visually interpretable features; those of the initial and benign NTKs do not",
        PaperFigure: "images",
        Statistic: "per replicate, averaged over the drawn classes: the low-frequency energy fraction of the top-k eigenvector images " +
            "(PROTOCOL §5 ascent from grey) of the AT kernel minus that of the benign kernel " +
            "(the proxy for 'visually interpretable', fixed before any result); AT minus initial is shown, not deciding: " +
            "the initial kernel's images sit at the white-noise level, so it holds almost by construction",
        Rule: "AT − benign: lower 95% bound above 0",
        NotTestable: NotAt(),
        Tests: Run,
        Needs: ClaimNeeds.EigenImages);

    private static Needed<IReadOnlyList<TestResult>> Run(ClaimData d)
    {
        var runs = d.Variant.EigenImages ?? [];
        if (runs.Count == 0) return Gap.Missing("no eigen-images of this variant");
        var rowless = runs.SelectMany(run => Enum.GetValues<EigenKernel>().Where(k => run.EigenvectorEnergies(k) is null).Select(k => (run, k))).ToList();
        if (rowless.Count > 0) return Gap.Missing($"replicate {rowless[0].run.Replicate}, class {rowless[0].run.Class}: no '{EigenImageRun.SourceName(rowless[0].k)}' row");
        double Proxy(EigenImageRun run, EigenKernel kernel) => run.EigenvectorEnergies(kernel)!.Average();
        Estimate Difference(EigenKernel other) => PerReplicate(runs.GroupBy(x => x.Replicate).OrderBy(g => g.Key)
            .Select(g => g.Average(run => Proxy(run, EigenKernel.Adversarial) - Proxy(run, other))));
        return Needed.Tests(
        [
            Tests.Above(new("at-minus-benign-low-frequency", "AT − benign low-frequency energy"), Difference(EigenKernel.Benign), 0),
            Tests.Shown(Tests.Above(new("at-minus-initial-low-frequency", "AT − initial low-frequency energy"), Difference(EigenKernel.Initial), 0)),
        ]);
    }
}
