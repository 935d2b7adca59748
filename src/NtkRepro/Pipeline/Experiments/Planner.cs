using System.Globalization;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Training;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>
/// Turns a preset into its plan: which steps the protocol has. Keys read as paths:
/// &lt;variant&gt;/r&lt;replicate&gt;/stage1/benign, …/kernels/benign, …/eval/stage1/benign@15,
/// …/stage2/benign-t4-centered, …/eval/stage2/benign-t4-centered,
/// …/stage2/fixed-kernel-benign-t15-centered, &lt;variant&gt;/kernel-distances, report. Each step
/// kind names its key, folder and cost (<see cref="IStepKind"/>); folders add a hash of the full
/// configuration, so a changed configuration never reuses a stale result.
/// </summary>
public static class Planner
{
    public static Plan For(Preset preset)
    {
        var steps = new Steps();
        foreach (var v in preset.Variants)
        {
            steps.Begin(v);
            var kernels = new List<PlanStep>();
            for (int r = 0; r < preset.ReplicatesOf(v); r++)
                AddReplicate(preset, v, r, steps, kernels);
            steps.Add(KernelDistancesStep.Plan(v, kernels, preset.Stage1Epochs, preset.SwitchEpoch));
        }
        var all = steps.All.ToList();
        all.Add(ReportWork.Plan(all));
        return new Plan(preset, all, steps.ByVariant);
    }

    /// <summary>
    /// The plan's steps as they are added, variant by variant: a step another radius of the same
    /// dataset already planned (same key, same folder) is that step, shared, not a second one.
    /// </summary>
    private sealed class Steps
    {
        private readonly Dictionary<string, PlanStep> _byKey = new();
        private readonly Dictionary<Variant, IReadOnlyList<string>> _byVariant = new();
        private List<string> _current = [];

        public List<PlanStep> All { get; } = [];
        public IReadOnlyDictionary<Variant, IReadOnlyList<string>> ByVariant => _byVariant;

        public void Begin(Variant v) => _byVariant[v] = _current = [];

        public PlanStep Add(PlanStep step)
        {
            if (_byKey.TryGetValue(step.Key, out var existing))
            {
                if (existing.Folder != step.Folder)
                    throw new InvalidOperationException($"plan: step {step.Key} planned twice with different folders ({existing.Folder}, {step.Folder})");
                step = existing;
            }
            else
            {
                _byKey[step.Key] = step;
                All.Add(step);
            }
            _current.Add(step.Key);
            return step;
        }
    }

    /// <summary>Steps whose configuration does not depend on the radius live under the dataset's prefix, shared by its variants.</summary>
    private static string SharedPrefix(Variant v, int r) => $"{v.Dataset}/r{r}";

    private static void AddReplicate(Preset p, Variant v, int r, Steps steps, List<PlanStep> kernels)
    {
        string prefix = $"{v.Name}/r{r}";
        int trainImages = TrainImages(p, v);
        int testImages = TestImages(p, v);
        int classes = p.ModelFor(v).Classes;
        var eval = p.Eval(v, r);
        var runs = new Dictionary<ScheduleKind, PlanStep>();
        var kernelSteps = new Dictionary<ScheduleKind, PlanStep>();
        foreach (var kind in p.SchedulesOf(v))
        {
            string runPrefix = ScheduleStrategy.Of(kind).SharedAcrossRadii ? SharedPrefix(v, r) : prefix;
            var run = steps.Add(Stage1Step.Plan(runPrefix, new Stage1Work(v, r, kind, p.Stage1(v, kind, r)), trainImages));
            runs[kind] = run;
            var k = steps.Add(KernelsStep.Plan(runPrefix, run, new KernelsWork(v, r, kind, p.KernelSubsetFor(v), p.KernelEpochs), classes));
            kernelSteps[kind] = k;
            kernels.Add(k);
            foreach (var analysis in StepKinds.PerRun)
                steps.Add(analysis.Plan(new RunSteps(runPrefix, v, r, kind, new(run), new(k))));
        }
        // Evaluations of stage-1 checkpoints: every run's final epoch, and the parents at each spawn epoch.
        var evaluated = p.SchedulesOf(v).Select(k => (k, (double)p.Stage1Epochs))
            .Concat(p.SpawnParents.SelectMany(k => p.SpawnEpochsOf(v).Select(t => (k, t))))
            .Distinct();
        foreach (var (kind, epoch) in evaluated)
            steps.Add(EvaluationStep.ForCheckpoint(prefix, runs[kind], v, r, kind, epoch, eval, testImages));
        var children = new Dictionary<ChildId, PlanStep>();
        foreach (var parent in p.SpawnParents)
            foreach (var spawn in p.SpawnEpochsOf(v))
                foreach (var dynamics in p.ChildDynamics)
                    AddChild(p, v, r, runs[parent], new ChildId(parent, spawn, dynamics, Adversarial: false), p.Stage2Epochs, trainImages, testImages, eval, steps, children);
        if (p.FixedKernelOf(v) is { } fk)
            AddChild(p, v, r, runs[fk.Parent], new ChildId(fk.Parent, fk.SpawnEpoch, fk.Dynamics, Adversarial: true), fk.Epochs, trainImages, testImages, eval, steps, children);
        if (p.MaskingFor(v) is { } masking)
            AddMasking(p, v, r, runs, children, masking, testImages, steps);
        if (p.EigenImages is { } eigen && p.ReducedScopeOf(v) is null && runs.TryGetValue(ScheduleKind.Benign, out var benign) && runs.TryGetValue(ScheduleKind.Adversarial, out var at))
            steps.Add(EigenStep.Plan(prefix, benign, at, kernelSteps[ScheduleKind.Benign], kernelSteps[ScheduleKind.Adversarial],
                new EigenWork(v, r, benign.Key, at.Key, p.KernelSubsetFor(v), eigen.Classes, eigen.For(r))));
    }

    /// <summary>
    /// The masking suite on every robust figure a claim reads (C3, C11–C13, C15): the children at
    /// the latest spawn epoch, the benign parent's centered children at the other spawn epochs, the
    /// AT run at the latest spawn epoch and at the end, and the section-7 run. A child's transfer
    /// attack is crafted on its parent at the spawn epoch.
    /// </summary>
    private static void AddMasking(Preset p, Variant v, int r, IReadOnlyDictionary<ScheduleKind, PlanStep> runs,
        IReadOnlyDictionary<ChildId, PlanStep> children, Numerics.Attacks.MaskingConfig config, int testImages, Steps steps)
    {
        string prefix = $"{v.Name}/r{r}";
        long seed = ReplicateSeeds.Masking(r);
        double latest = p.SpawnEpochsOf(v).Max();
        foreach (var (id, child) in children)
        {
            if (!id.Adversarial && id.SpawnEpoch != latest && !(id.Parent == ScheduleKind.Benign && id.Dynamics == Numerics.Linearization.Dynamics.Centered)) continue;
            steps.Add(MaskingStep.ForChild(prefix, child, runs[id.Parent], v, config, seed, testImages));
        }
        if (runs.TryGetValue(ScheduleKind.Adversarial, out var at))
            foreach (var epoch in new[] { latest, (double)p.Stage1Epochs }.Distinct())
                steps.Add(MaskingStep.ForCheckpoint(prefix, at, v, r, ScheduleKind.Adversarial, epoch, config, seed, testImages));
    }

    /// <summary>A child, shared across radii when neither it nor its parent attacks (a benign parent's benign stage 2); its evaluation is the variant's.</summary>
    private static void AddChild(Preset p, Variant v, int r, PlanStep parentRun, ChildId id, int epochs, int trainImages, int testImages, EvalConfig eval,
        Steps steps, Dictionary<ChildId, PlanStep> children)
    {
        string prefix = $"{v.Name}/r{r}";
        string childPrefix = ScheduleStrategy.Of(id.Parent).SharedAcrossRadii && !id.Adversarial ? SharedPrefix(v, r) : prefix;
        var config = p.Stage2(v, Stage2Step.ParentRelative(childPrefix, parentRun), id, epochs, r);
        var child = steps.Add(Stage2Step.Plan(childPrefix, parentRun, new Stage2Work(v, r, id.Parent, id.SpawnEpoch, id.Dynamics, id.Adversarial, config), trainImages));
        steps.Add(EvaluationStep.ForChild(prefix, child, v, eval, testImages));
        children[id] = child;
    }

    private static int TrainImages(Preset p, Variant v) =>
        p.TrainPerClass is { } m ? m * p.ModelFor(v).Classes : DatasetLoader.IsSynthetic(v.Dataset) ? 5000 : 50000;

    /// <summary>The test images a variant's evaluations use.</summary>
    public static int TestImages(Preset p, Variant v) => p.TestCount ?? (DatasetLoader.IsSynthetic(v.Dataset) ? 1000 : 10000);

    public static string Describe(PlanStep s) => string.Create(CultureInfo.InvariantCulture, $"{s.Key}: {s.Title}");
}
