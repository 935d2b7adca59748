using NtkRepro.Judgement.Claims;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Judgement.Reporting;

/// <summary>The report step: collect what a store holds for a plan, evaluate the claims, write results.json and the report.</summary>
public static class ReproductionReport
{
    public sealed record Written(ReproductionResults Results, IReadOnlyList<ClaimVerdict> Verdicts, string ReportPath);

    public static Written Write(Plan plan, ArtifactStore store, IReadOnlyList<StepTiming>? thisInvocation = null, string? folder = null)
    {
        var results = ResultsCollector.Collect(plan, store, thisInvocation);
        AtomicFile.WriteJson(store.ResultsPath, results);
        return Render(results, folder ?? store.ReportFolder, store.Root);
    }

    /// <summary>The report of results already collected (e.g. a committed results.json); images are copied from the store when given.</summary>
    public static Written Render(ReproductionResults results, string folder, string? storeRoot = null)
    {
        var verdicts = ClaimRegistry.Evaluate(results);
        return new Written(results, verdicts, ReportWriter.Write(results, verdicts, folder, storeRoot));
    }

    public static void Log(Written w, IProgressSink progress)
    {
        progress.Log("");
        foreach (var v in w.Verdicts)
            progress.Log($"{v.Id,-4} {(w.Results.Variants.Count > 1 ? v.Variant + " " : "")}{VerdictText.Of(v.Verdict),-27} {v.Measured}");
        if (!w.Results.Progress.Complete) progress.Log($"{w.Results.Progress.Waiting.Count} of {w.Results.Progress.StepsTotal} steps are still waiting");
        progress.Log($"report: {w.ReportPath}");
    }
}
