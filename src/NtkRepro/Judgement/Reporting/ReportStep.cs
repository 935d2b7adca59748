using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Pipeline.Results;
using static TorchSharp.torch;

namespace NtkRepro.Judgement.Reporting;

/// <summary>
/// The report step: collects what the store holds (a partial store too), evaluates the claims and
/// writes results.json and the report, with the timings of the steps this invocation ran or reused.
/// </summary>
public sealed class ReportStep : StepKind<ReportWork, ReproductionResults?>
{
    public static readonly ReportStep Kind = new();

    /// <summary>Every kind of step a plan has, this one included.</summary>
    public static readonly StepRegistry All = StepKinds.Data.With(Kind);

    public override string Name => "report";

    public override bool Summarizes => true;

    public override IReadOnlyList<string> Outputs(Plan plan, ArtifactStore store, PlanStep step, ReportWork work) =>
        [store.ResultsPath, Path.Combine(store.ReportFolder, "README.md")];

    public override bool IsDone(Plan plan, ArtifactStore store, PlanStep step) => false;

    protected override void Run(StepContext context, PlanStep step, ReportWork work) =>
        ReproductionReport.Log(ReproductionReport.Write(context.Plan, context.Store, context.Timings), context.Progress);

    /// <summary>The results last written; null before the report has run.</summary>
    public override ReproductionResults? Read(Plan plan, ArtifactStore store, PlanStep step, ReportWork work) =>
        File.Exists(store.ResultsPath) ? Json.Read<ReproductionResults>(store.ResultsPath) : null;
}

/// <summary>A whole plan run in this process, the report last: what `ntkrepro reproduce` and the claim tests' fixtures do.</summary>
public static class Reproduction
{
    /// <param name="Failed">Steps whose output failed an attack sanity or masking check.</param>
    public sealed record Outcome(ReproductionResults Results, IReadOnlyList<StepTiming> Timings, IReadOnlyList<FailedStepChecks> Failed);

    /// <param name="which">The steps to run or reuse (default: all); the report step always runs.</param>
    /// <param name="computedByWorkers">Steps that worker processes of this invocation computed: timed as run now, not cached.</param>
    /// <param name="beforeReport">Called with this process's step timings once every step but the report has run (to record the invocation the report then reads).</param>
    /// <param name="afterStep">Called with each step's timing but the report's once it has run or been reused.</param>
    public static Outcome Run(Plan plan, ArtifactStore store, Device device, IProgressSink progress, string? dataOption, Func<PlanStep, bool>? which = null,
        IReadOnlySet<string>? computedByWorkers = null, Action<IReadOnlyList<StepTiming>, IReadOnlyList<FailedStepChecks>>? beforeReport = null,
        Action<StepTiming>? afterStep = null)
    {
        using var executor = new StepExecutor(plan, store, device, progress, dataOption, ReportStep.All) { ComputedByWorkers = computedByWorkers ?? new HashSet<string>() };
        var timings = InProcessExecutor.Run(executor, progress, s => s.Key != Plan.ReportKey && (which is null || which(s)), afterStep).ToList();
        beforeReport?.Invoke(timings, executor.Failed);
        timings.Add(executor.Run(plan.Step(Plan.ReportKey)));
        var results = ReportStep.Kind.Read(plan, store, plan.Step(Plan.ReportKey))
                      ?? throw new InvalidOperationException($"{store.ResultsPath}: the report step wrote no results");
        return new Outcome(results, timings, executor.Failed);
    }
}
