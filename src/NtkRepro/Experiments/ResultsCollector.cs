using NtkRepro.Kernels;
using NtkRepro.Runs;
using NtkRepro.Training;
using NtkRepro.Util;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Experiments;

/// <summary>
/// Reads what a store holds for a plan into results: every finished run, kernel series and
/// evaluation, the kernel distances across runs that the claims compare (all pairs of final
/// kernels, and the switch runs at the switch against every final kernel), the steps still
/// waiting, and each step's timing. A partial store gives partial results, never an error.
/// </summary>
public static class ResultsCollector
{
    public static ReproductionResults Collect(Plan plan, ArtifactStore store, IReadOnlyList<StepTiming>? thisInvocation = null)
    {
        var p = plan.Preset;
        var done = plan.Steps.Where(s => s.Work is not ReportWork).ToDictionary(s => s.Key, s => store.IsDone(plan, s));
        var variants = p.Variants.Select(v => Variant(plan, store, v, done)).ToList();
        var waiting = done.Where(d => !d.Value).Select(d => d.Key).ToList();
        var ranNow = (thisInvocation ?? []).Where(t => !t.Cached).Select(t => t.Step).ToHashSet();
        var timings = plan.Steps.Where(s => s.Work is not ReportWork && done[s.Key])
            .Select(s => store.ReadTiming(s.Key) is { } t ? t with { Cached = !ranNow.Contains(s.Key) } : null)
            .OfType<StepTiming>().ToList();
        var model = p.Variants.Select(p.ModelFor).Distinct().ToList();
        return new ReproductionResults(p.Name, p.Scale, string.Join("; ", model), string.Join("; ", p.Variants.Select(p.DataFor).Distinct()),
            p.Stage1Epochs, p.SwitchEpoch, p.Replicates, p.SpawnEpochs, p.Deviations, variants,
            new PlanProgress(done.Count - waiting.Count, done.Count, waiting), timings, DateTime.UtcNow.ToString("u"));
    }

    private static VariantResults Variant(Plan plan, ArtifactStore store, Variant v, IReadOnlyDictionary<string, bool> done)
    {
        var steps = plan.Steps.Where(s => s.Work.Variant == v).ToList();
        var stage1 = new List<Stage1Result>();
        foreach (var run in steps.Where(s => s.Work is Stage1Work))
        {
            var w = (Stage1Work)run.Work;
            var folder = store.PathOf(run);
            var kernels = steps.Single(s => s.Work is KernelsWork k && k.R == w.R && k.Schedule == w.Schedule);
            var final = steps.Single(s => s.Work is EvaluateWork e && e.Target == run.Key && e.Epoch == plan.Preset.Stage1Epochs);
            stage1.Add(new Stage1Result(w.Schedule, w.R, w.Config.Seed, Path.GetRelativePath(store.Root, folder),
                done[run.Key] ? RunDirectory.Read<Stage1Config>(folder, Stage1.Kind).Dir.ReadSummary() : null,
                done[kernels.Key] ? Json.Read<KernelSeries>(KernelJob.MetricsPath(folder, ((KernelsWork)kernels.Work).Subset)) : null,
                done[final.Key] ? Evaluation(plan, store, final) : null));
        }
        var parents = new List<ParentResult>();
        var children = new List<ChildResult>();
        var fixedKernel = new List<ChildResult>();
        foreach (var eval in steps.Where(s => s.Work is EvaluateWork && done[s.Key]))
        {
            var e = (EvaluateWork)eval.Work;
            switch (plan.Step(e.Target).Work)
            {
                case Stage1Work s:
                    if (plan.Preset.SpawnParents.Contains(s.Schedule) && plan.Preset.SpawnEpochsOf(v).Contains(e.Epoch!.Value))
                        parents.Add(new ParentResult(s.Schedule, s.R, e.Epoch!.Value, Evaluation(plan, store, eval)));
                    break;
                case Stage2Work c:
                    var folder = store.PathOf(plan.Step(e.Target));
                    var losses = RunDirectory.Read<Stage2Config>(folder, Stage2.Kind).Dir.ReadMetrics().Select(m => m.Loss).ToList();
                    var child = new ChildResult(c.Parent, c.R, c.SpawnEpoch, c.Dynamics, c.Adversarial, c.Config.Epochs,
                        Path.GetRelativePath(store.Root, folder), Evaluation(plan, store, eval), losses.Count > 0 ? losses[^1] : null, losses);
                    (c.Adversarial ? fixedKernel : children).Add(child);
                    break;
            }
        }
        var eigen = steps.Where(s => s.Work is EigenWork && done[s.Key]).SelectMany(s => ((EigenWork)s.Work).Classes.Select(c =>
        {
            var report = Json.Read<Eigenimages.EigenImageReport>(store.EigenPath(s, c));
            return new EigenImageRun(s.Work.Replicate, c, Path.GetRelativePath(store.Root, Path.Combine(store.PathOf(s), report.Grid)), report);
        })).ToList();
        return new VariantResults(v, stage1, parents, children, fixedKernel, KernelDistances(plan, store, v, steps, done), eigen);
    }

    /// <summary>An evaluation with the masking suite's result on the same run and epoch attached, when that step has run.</summary>
    private static EvalResult Evaluation(Plan plan, ArtifactStore store, PlanStep step)
    {
        var e = (EvaluateWork)step.Work;
        var eval = Json.Read<EvalResult>(store.EvaluationPath(plan, step, e));
        var masking = plan.Steps.FirstOrDefault(s => s.Work is MaskingWork m && m.Target == e.Target && m.Epoch == e.Epoch && store.IsDone(plan, s));
        return masking is null ? eval : eval with { Masking = Json.Read<Attacks.MaskingReport>(store.MaskingPath(plan, masking, (MaskingWork)masking.Work)) };
    }

    /// <summary>Distances between final kernels of all runs, and from each switch run at the switch to every final kernel.</summary>
    private static IReadOnlyList<KernelDistance> KernelDistances(Plan plan, ArtifactStore store, Variant v, IReadOnlyList<PlanStep> steps, IReadOnlyDictionary<string, bool> done)
    {
        var p = plan.Preset;
        double final = p.Stage1Epochs, atSwitch = p.SwitchEpoch;
        var kernelSteps = steps.Where(s => s.Work is KernelsWork && done[s.Key]).ToList();
        using var scope = torch.NewDisposeScope();
        var traces = new Dictionary<KernelRef, Tensor>();
        foreach (var s in kernelSteps)
        {
            var k = (KernelsWork)s.Work;
            foreach (var epoch in new[] { final, atSwitch }.Distinct())
                if (k.Epochs.Contains(epoch) && (epoch == final || k.Schedule == ScheduleKind.Switch))
                {
                    var (blocks, _) = KernelFile.Load(KernelJob.KernelPath(store.PathOf(s), k.Subset, epoch));
                    traces[new KernelRef(k.Schedule, k.R, epoch)] = EmpiricalNtk.Trace(blocks.to(ScalarType.Float64));
                }
        }
        var finals = traces.Keys.Where(k => k.Epoch == final).OrderBy(k => k.Schedule).ThenBy(k => k.Replicate).ToList();
        var result = new List<KernelDistance>();
        for (int i = 0; i < finals.Count; i++)
            for (int j = i + 1; j < finals.Count; j++)
                result.Add(new KernelDistance(finals[i], finals[j], KernelMetrics.Distance(traces[finals[i]], traces[finals[j]])));
        if (atSwitch != final)
            foreach (var sw in traces.Keys.Where(k => k.Epoch == atSwitch && k.Schedule == ScheduleKind.Switch))
                foreach (var f in finals)
                    result.Add(new KernelDistance(sw, f, KernelMetrics.Distance(traces[sw], traces[f])));
        return result;
    }
}
