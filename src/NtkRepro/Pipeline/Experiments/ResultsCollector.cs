using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>
/// Reads what a store holds for a plan into results, each step's output through its kind: every
/// finished run, kernel series, kernel distance table and evaluation (with the masking suite's
/// result on the same state attached), the steps still waiting, and each step's timing. A partial
/// store gives partial results, never an error. It reads files only: no tensor work.
/// </summary>
public static class ResultsCollector
{
    public static ReproductionResults Collect(Plan plan, ArtifactStore store, IReadOnlyList<StepTiming>? thisInvocation = null)
    {
        var p = plan.Preset;
        var kinds = StepKinds.Data;
        var data = plan.Steps.Where(kinds.Knows).ToList();
        var done = data.ToDictionary(s => s.Key, s => kinds.Of(s).IsDone(plan, store, s));
        var variants = p.Variants.Select(v => Variant(plan, store, v, done)).ToList();
        var waiting = done.Where(d => !d.Value).Select(d => d.Key).ToList();
        var ranNow = (thisInvocation ?? []).Where(t => !t.Cached).Select(t => t.Step).ToHashSet();
        var timings = data.Where(s => done[s.Key])
            .Select(s => store.ReadTiming(s.Key) is { } t ? t with { Cached = !ranNow.Contains(s.Key), Kind = kinds.Of(s).TimingGroup(s) } : null)
            .OfType<StepTiming>().ToList();
        var model = p.Variants.Select(p.ModelFor).Distinct().ToList();
        return new ReproductionResults(p.Name, p.Scale, string.Join("; ", model), string.Join("; ", p.Variants.Select(p.DataFor).Distinct()),
            p.Stage1Epochs, p.SwitchEpoch, p.Replicates, p.SpawnEpochs, p.Deviations, variants,
            new PlanProgress(done.Count - waiting.Count, done.Count, waiting), timings, DateTime.UtcNow.ToString("u"));
    }

    private static VariantResults Variant(Plan plan, ArtifactStore store, Variant v, IReadOnlyDictionary<string, bool> done)
    {
        var steps = plan.StepsOf(v);
        IEnumerable<(PlanStep Step, TWork Work)> Done<TWork>() where TWork : StepWork =>
            steps.Where(s => s.Work is TWork && done[s.Key]).Select(s => (s, (TWork)s.Work));
        var masking = Done<MaskingWork>().ToDictionary(m => m.Work.On, m => MaskingStep.Kind.Read(plan, store, m.Step));
        EvalResult Evaluation(PlanStep step)
        {
            var eval = EvaluationStep.Kind.Read(plan, store, step);
            return masking.TryGetValue(((EvaluateWork)step.Work).On, out var m) ? eval with { Masking = m } : eval;
        }
        var evaluations = steps.Where(s => s.Work is EvaluateWork).ToList();
        var stage1 = new List<Stage1Result>();
        foreach (var run in steps.Where(s => s.Work is Stage1Work))
        {
            var w = (Stage1Work)run.Work;
            var kernels = steps.Single(s => s.Work is KernelsWork k && k.R == w.R && k.Schedule == w.Schedule);
            var final = evaluations.Single(s => ((EvaluateWork)s.Work).On == new EvalTarget(run.Key, plan.Preset.Stage1Epochs, IsChild: false));
            var trained = done[run.Key] ? Stage1Step.Kind.Read(plan, store, run) : null;
            stage1.Add(new Stage1Result(w.Schedule, w.R, w.Config.Seed, Path.GetRelativePath(store.Root, store.PathOf(run)),
                trained?.Summary,
                done[kernels.Key] ? KernelsStep.Kind.Read(plan, store, kernels) : null,
                done[final.Key] ? Evaluation(final) : null,
                trained?.Curve));
        }
        var parents = new List<ParentResult>();
        var children = new List<ChildResult>();
        var fixedKernel = new List<ChildResult>();
        foreach (var (eval, e) in Done<EvaluateWork>())
        {
            var target = plan.Step(e.On.Target);
            switch (target.Work)
            {
                case Stage1Work s:
                    if (plan.Preset.SpawnParents.Contains(s.Schedule) && plan.Preset.SpawnEpochsOf(v).Contains(e.On.Epoch))
                        parents.Add(new ParentResult(s.Schedule, s.R, e.On.Epoch, Evaluation(eval)));
                    break;
                case Stage2Work c:
                    var losses = Stage2Step.Kind.Read(plan, store, target).TrainingLosses;
                    var child = new ChildResult(c.Parent, c.R, c.SpawnEpoch, c.Dynamics, c.Adversarial, c.Config.Epochs,
                        Path.GetRelativePath(store.Root, store.PathOf(target)), Evaluation(eval), losses.Count > 0 ? losses[^1] : null, losses);
                    (c.Adversarial ? fixedKernel : children).Add(child);
                    break;
            }
        }
        var eigen = Done<EigenWork>().SelectMany(s => EigenStep.Kind.Read(plan, store, s.Step)).ToList();
        var distances = Done<KernelDistancesWork>().SelectMany(s => KernelDistancesStep.Kind.Read(plan, store, s.Step)).ToList();
        var measures = (from s in steps
                        where done[s.Key]
                        let analysis = StepKinds.Data.Of(s) as IRunAnalysis
                        where analysis is not null
                        from m in analysis.Measures(plan, store, s)
                        select m).ToList();
        var reduced = plan.Preset.ReducedScopeOf(v);
        var scope = new VariantScope(plan.Preset.SchedulesOf(v), plan.Preset.FixedKernelOf(v) is not null,
            plan.Preset.EigenImages is not null && reduced is null, reduced?.ToString() ?? "the whole protocol");
        return new VariantResults(v, stage1, parents, children, fixedKernel, distances, eigen, scope, measures.Count > 0 ? measures : null);
    }
}
