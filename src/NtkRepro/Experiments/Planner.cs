using System.Globalization;
using NtkRepro.Data;
using NtkRepro.Linearization;
using NtkRepro.Runs;
using NtkRepro.Training;

namespace NtkRepro.Experiments;

/// <summary>
/// Turns a preset into its plan. Keys read as paths: &lt;variant&gt;/r&lt;replicate&gt;/stage1/benign,
/// …/kernels/benign, …/eval/stage1/benign@15, …/stage2/benign-t4-centered, …/eval/stage2/benign-t4-centered,
/// …/stage2/fixed-kernel-benign-t15-centered, report. Folders add a hash of the full
/// configuration, so a changed configuration never reuses a stale result.
/// </summary>
public static class Planner
{
    private static string E(double e) => RunDirectory.EpochName(e);

    public static Plan For(Preset preset)
    {
        var steps = new List<PlanStep>();
        foreach (var v in preset.Variants)
            for (int r = 0; r < preset.ReplicatesOf(v); r++)
                AddReplicate(preset, v, r, steps);
        steps.Add(new PlanStep(Plan.ReportKey, ".", steps.Select(s => s.Key).ToList(), new ReportWork(), 0,
            "collect the results and write the claim-by-claim report"));
        return new Plan(preset, steps);
    }

    private static void AddReplicate(Preset p, Variant v, int r, List<PlanStep> steps)
    {
        string prefix = $"{v.Name}/r{r}";
        int trainImages = TrainImages(p, v);
        int testImages = p.TestCount ?? (v.Dataset == DatasetLoader.Synthetic ? 1000 : 10000);
        int classes = p.ModelFor(v).Classes;
        var eval = p.Eval(v, r);
        var runs = new Dictionary<ScheduleKind, PlanStep>();
        foreach (var kind in p.SchedulesOf(v))
        {
            var config = p.Stage1(v, kind, r);
            string name = Schedule.Name(kind);
            var run = new PlanStep($"{prefix}/stage1/{name}", $"{prefix}/stage1/{name}-{StepKey.Of(config)}", [],
                new Stage1Work(v, r, kind, config), Stage1Passes(p, config, trainImages), $"stage 1 {config.Schedule}, {v}, replicate {r} (seed {config.Seed})");
            runs[kind] = run;
            steps.Add(run);
            var subset = p.KernelSubsetFor(v);
            steps.Add(new PlanStep($"{prefix}/kernels/{name}", run.Folder, [run.Key], new KernelsWork(v, r, kind, subset, p.KernelEpochs),
                p.KernelEpochs.Count * subset.PerClass * (subset.Classes ?? classes) * (1.0 + classes), $"kernels of the {name} run at {p.KernelEpochs.Count} checkpoints, {v}, replicate {r}"));
        }
        // Evaluations of stage-1 checkpoints: every run's final epoch, and the parents at each spawn epoch.
        var evaluated = p.SchedulesOf(v).Select(k => (k, (double)p.Stage1Epochs))
            .Concat(p.SpawnParents.SelectMany(k => p.SpawnEpochsOf(v).Select(t => (k, t))))
            .Distinct();
        foreach (var (kind, epoch) in evaluated)
            steps.Add(new PlanStep($"{prefix}/eval/stage1/{Schedule.Name(kind)}@{E(epoch)}", runs[kind].Folder, [runs[kind].Key],
                new EvaluateWork(v, r, runs[kind].Key, eval, epoch), EvalPasses(eval.Attack.Steps, testImages, linear: false),
                $"evaluate the {Schedule.Name(kind)} run at epoch {E(epoch)}, {v}, replicate {r}"));
        var children = new Dictionary<(ScheduleKind, double, Dynamics, bool), PlanStep>();
        foreach (var parent in p.SpawnParents)
            foreach (var spawn in p.SpawnEpochsOf(v))
                foreach (var dynamics in p.ChildDynamics)
                    children[(parent, spawn, dynamics, false)] =
                        AddChild(p, v, r, runs[parent], parent, spawn, dynamics, adversarial: false, p.Stage2Epochs, trainImages, testImages, eval, steps);
        if (p.FixedKernelOf(v) is { } fk)
            children[(fk.Parent, fk.SpawnEpoch, fk.Dynamics, true)] =
                AddChild(p, v, r, runs[fk.Parent], fk.Parent, fk.SpawnEpoch, fk.Dynamics, adversarial: true, fk.Epochs, trainImages, testImages, eval, steps);
        if (p.MaskingFor(v) is { } masking)
            AddMasking(p, v, r, runs, children, masking, testImages, steps);
        if (p.EigenImages is { } eigen && p.ReducedScopeOf(v) is null && runs.ContainsKey(ScheduleKind.Benign) && runs.ContainsKey(ScheduleKind.Adversarial))
        {
            var config = eigen.For(r);
            var subset = p.KernelSubsetFor(v);
            var work = new EigenWork(v, r, runs[ScheduleKind.Benign].Key, runs[ScheduleKind.Adversarial].Key, subset, eigen.Classes, config);
            var ascent = config.AscentOptions;
            int images = config.Eigenvectors + config.Negatives + (config.Regression ? 1 : 0);
            steps.Add(new PlanStep($"{prefix}/eigen", $"{prefix}/eigen-{StepKey.Of(work with { BenignRun = "", AdversarialRun = "" }, runs[ScheduleKind.Benign].Folder, runs[ScheduleKind.Adversarial].Folder)}",
                [runs[ScheduleKind.Benign].Key, runs[ScheduleKind.Adversarial].Key, $"{prefix}/kernels/{Schedule.Name(ScheduleKind.Benign)}", $"{prefix}/kernels/{Schedule.Name(ScheduleKind.Adversarial)}"],
                work, 3.0 * eigen.Classes.Count * images * ascent.Steps * 3, $"eigen-images of the initial, benign and AT kernels, classes {string.Join(", ", eigen.Classes)}, {v}, replicate {r}"));
        }
    }

    /// <summary>
    /// The masking suite on every robust figure a claim reads (C3, C11–C13, C15): the children at
    /// the latest spawn epoch, the benign parent's centered children at the other spawn epochs, the
    /// AT run at the latest spawn epoch and at the end, and the section-7 run. A child's transfer
    /// attack is crafted on its parent at the spawn epoch.
    /// </summary>
    private static void AddMasking(Preset p, Variant v, int r, IReadOnlyDictionary<ScheduleKind, PlanStep> runs,
        IReadOnlyDictionary<(ScheduleKind Parent, double Spawn, Dynamics Dynamics, bool Adversarial), PlanStep> children, Attacks.MaskingConfig config, int testImages, List<PlanStep> steps)
    {
        string prefix = $"{v.Name}/r{r}";
        long seed = 1000 + r;
        int images = Math.Min(config.Subset ?? testImages, testImages);
        double passes = images * (config.PgdRestarts * config.PgdSteps + config.ApgdIterations * config.ApgdRestarts + config.Radii.Count * config.SweepSteps + config.PgdSteps + 4.0);
        double latest = p.SpawnEpochsOf(v).Max();
        foreach (var ((parent, spawn, dynamics, adversarial), child) in children)
        {
            if (!adversarial && spawn != latest && !(parent == ScheduleKind.Benign && dynamics == Dynamics.Centered)) continue;
            var source = runs[parent];
            steps.Add(new PlanStep($"{prefix}/masking/stage2/{child.Key.Split('/')[^1]}", child.Folder, [child.Key, source.Key],
                new MaskingWork(v, r, child.Key, null, source.Key, spawn, config, seed), passes * (dynamics == Dynamics.Standard ? 1 : 2),
                $"masking suite on {child.Key.Split('/')[^1]} (transfer from its parent at epoch {E(spawn)}), {v}, replicate {r}"));
        }
        if (runs.TryGetValue(ScheduleKind.Adversarial, out var at))
            foreach (var epoch in new[] { latest, (double)p.Stage1Epochs }.Distinct())
                steps.Add(new PlanStep($"{prefix}/masking/stage1/{Schedule.Name(ScheduleKind.Adversarial)}@{E(epoch)}", at.Folder, [at.Key],
                    new MaskingWork(v, r, at.Key, epoch, null, null, config, seed), passes,
                    $"masking suite on the AT run at epoch {E(epoch)}, {v}, replicate {r}"));
    }

    private static PlanStep AddChild(Preset p, Variant v, int r, PlanStep parentRun, ScheduleKind parent, double spawn, Dynamics dynamics, bool adversarial,
        int epochs, int trainImages, int testImages, EvalConfig eval, List<PlanStep> steps)
    {
        string prefix = $"{v.Name}/r{r}";
        string name = $"{(adversarial ? "fixed-kernel-" : "")}{Schedule.Name(parent)}-t{E(spawn)}-{dynamics.ToString().ToLowerInvariant()}";
        // The parent is named relative to the child's folder (prefix/stage2/<child>): ../../stage1/<parent run>.
        var parentRelative = Path.Combine("..", "..", "stage1", Path.GetFileName(parentRun.Folder));
        var config = p.Stage2(v, parentRelative, spawn, dynamics, adversarial, epochs, r, parent);
        var child = new PlanStep($"{prefix}/stage2/{name}", $"{prefix}/stage2/{name}-{StepKey.Of(config)}", [parentRun.Key],
            new Stage2Work(v, r, parent, spawn, dynamics, adversarial, config), Stage2Passes(config, trainImages),
            $"stage 2 {name}, {v}, replicate {r}");
        steps.Add(child);
        bool linear = dynamics != Dynamics.Standard;
        steps.Add(new PlanStep($"{prefix}/eval/stage2/{name}", child.Folder, [child.Key], new EvaluateWork(v, r, child.Key, eval, null),
            EvalPasses(eval.Attack.Steps, testImages, linear), $"evaluate {name}, {v}, replicate {r}"));
        return child;
    }

    private static int TrainImages(Preset p, Variant v) =>
        p.TrainPerClass is { } m ? m * p.ModelFor(v).Classes : v.Dataset == DatasetLoader.Synthetic ? 5000 : 50000;

    /// <summary>Image passes of stage 1: a benign epoch is one per image; a mixture AT epoch two steps plus the attack's.</summary>
    private static double Stage1Passes(Preset p, Stage1Config c, int images) =>
        Enumerable.Range(0, c.Epochs).Sum(e => c.Schedule.IsAdversarial(e) ? AdversarialPasses(c.AdversarialMode, c.TrainAttack.Steps) : 1.0) * images;

    private static double AdversarialPasses(AdversarialMode mode, int steps) => (mode == AdversarialMode.Mixture ? 2 : 1) + steps;

    /// <summary>Linearized and centered children cost about two passes per image (the JVP), more when trained adversarially.</summary>
    private static double Stage2Passes(Stage2Config c, int images) =>
        c.Epochs * images * (c.Dynamics == Dynamics.Standard ? 1.0 : 2.0) * (c.Adversarial ? AdversarialPasses(c.AdversarialMode, c.TrainAttack.Steps) : 1);

    /// <summary>Clean pass, input gradient, the attack's steps and the adversarial pass.</summary>
    private static double EvalPasses(int steps, int images, bool linear) => (steps + 3.0) * images * (linear ? 2 : 1);

    public static string Describe(PlanStep s) => string.Create(CultureInfo.InvariantCulture, $"{s.Key}: {s.Title}");
}
