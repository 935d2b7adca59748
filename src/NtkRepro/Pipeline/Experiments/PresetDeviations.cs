using System.Globalization;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>
/// How a preset departs from the paper's protocol, derived field by field by comparing it with
/// the paper preset, so a deviation can never be forgotten or restated wrongly beside its field.
/// </summary>
public static class PresetDeviations
{
    private static string N(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Suite(Numerics.Attacks.MaskingConfig? m) => m is null ? "none"
        : $"{(m.Subset is { } n ? $"the first {n} test images" : "every test image")}, PGD-{m.PgdSteps} × {m.PgdRestarts} restarts, APGD-CE-{m.ApgdIterations}, sweep PGD-{m.SweepSteps}";

    private static string Classes(EigenImageSpec? e) => e is null ? "no class (C16 not run)" : $"class{(e.Classes.Count == 1 ? "" : "es")} {string.Join(", ", e.Classes)}";

    public static IReadOnlyList<string> Between(Preset p, Preset paper)
    {
        var d = new List<string>(p.Notes);
        void If(bool differs, string text) { if (differs) d.Add(text); }
        If(p.Architecture != paper.Architecture || p.Width != paper.Width,
            $"network {p.Architecture} of width {p.Width} instead of {paper.Architecture} of width {paper.Width}");
        If(!p.Datasets.SequenceEqual(paper.Datasets), $"datasets {string.Join(", ", p.Datasets)} instead of {string.Join(", ", paper.Datasets)}");
        If(!p.Epsilons255.SequenceEqual(paper.Epsilons255),
            $"ε = {string.Join(", ", p.Epsilons255.Select(e => N(e) + "/255"))} (the whole protocol) instead of {string.Join(" and ", paper.Epsilons255.Select(e => N(e) + "/255"))}");
        foreach (var r in p.ReducedRadii) d.Add(r.ToString());
        If(p.TrainPerClass != paper.TrainPerClass, $"training set: the first {p.TrainPerClass} images of each class instead of all");
        If(p.TestCount != paper.TestCount, $"test set: the first {p.TestCount} test images instead of all");
        If(p.Replicates != paper.Replicates, $"{p.Replicates} replicate seeds instead of {paper.Replicates}");
        If(p.Stage1Epochs != paper.Stage1Epochs, $"stage 1: {p.Stage1Epochs} epochs instead of {paper.Stage1Epochs}");
        If(p.SwitchEpoch != paper.SwitchEpoch,
            $"the 50/50 run turns adversarial at epoch {p.SwitchEpoch} of {p.Stage1Epochs} instead of {paper.SwitchEpoch} of {paper.Stage1Epochs}");
        If(p.Stage1LearningRate != paper.Stage1LearningRate, $"stage-1 learning rate {N(p.Stage1LearningRate)} instead of {N(paper.Stage1LearningRate)}");
        If(p.TrainAttack != paper.TrainAttack, $"training attack {p.TrainAttack} instead of {paper.TrainAttack}");
        If(p.AdversarialMode != paper.AdversarialMode, $"adversarial training {p.AdversarialMode} instead of {paper.AdversarialMode}");
        If(p.BatchSize != paper.BatchSize, $"batch {p.BatchSize} instead of {paper.BatchSize}");
        If(!p.FractionalCheckpoints.SequenceEqual(paper.FractionalCheckpoints),
            $"fractional checkpoints at {string.Join(", ", p.FractionalCheckpoints.Select(N))} instead of {string.Join(", ", paper.FractionalCheckpoints.Select(N))}");
        If(p.KernelSubset != paper.KernelSubset, $"kernels on {p.KernelSubset} instead of {paper.KernelSubset}");
        If(!p.KernelEpochs.SequenceEqual(paper.KernelEpochs), $"kernels at {p.KernelEpochs.Count} checkpoints instead of {paper.KernelEpochs.Count}");
        If(!p.SpawnEpochs.SequenceEqual(paper.SpawnEpochs), $"spawn epochs {string.Join(", ", p.SpawnEpochs.Select(N))} instead of {string.Join(", ", paper.SpawnEpochs.Select(N))}");
        If(p.Stage2Epochs != paper.Stage2Epochs, $"stage 2: {p.Stage2Epochs} epochs instead of {paper.Stage2Epochs}");
        If(p.Stage2LearningRate != paper.Stage2LearningRate, $"stage-2 learning rate {N(p.Stage2LearningRate)} instead of {N(paper.Stage2LearningRate)}");
        If(p.FixedKernel != paper.FixedKernel,
            p.FixedKernel is { } f && paper.FixedKernel is { } g
                ? $"section 7: {f.Dynamics} child of the {f.Parent} parent at epoch {N(f.SpawnEpoch)}, {f.Epochs} epochs, instead of epoch {N(g.SpawnEpoch)}, {g.Epochs} epochs"
                : "section 7 is not run");
        If(p.EvalAttack != paper.EvalAttack, $"evaluation attack {p.EvalAttack} instead of {paper.EvalAttack}");
        If(p.Masking != paper.Masking, $"gradient-masking suite (beyond the paper): {Suite(p.Masking)} instead of {Suite(paper.Masking)}");
        If(!(p.EigenImages?.Classes ?? []).SequenceEqual(paper.EigenImages?.Classes ?? []),
            $"eigen-images (C16) of {Classes(p.EigenImages)} instead of {Classes(paper.EigenImages)}");
        d.AddRange(OnPurpose(p));
        return d;
    }

    /// <summary>What the code does differently from the authors' code by design, whatever the preset: named so a reader need not find it in the source.</summary>
    public static IReadOnlyList<string> OnPurpose(Preset p)
    {
        var d = new List<string>
        {
            "on purpose: every schedule of a replicate starts from its own initial weights " +
                "(the authors give the benign, adversarial and 50/50 runs of one seed the same ones), " +
                "so the runs the kernel permutation test relabels are exchangeable evidence",
            "on purpose: one kernel image subset for every replicate (the authors draw it per seed), so kernels of different replicates can be compared with each other",
            "on purpose: ‖Δf‖²/‖f₀‖² is a ratio of means over the test images, not a mean of per-image ratios, which images with f₀ near 0 would dominate",
        };
        if (p.EigenImages is { } e && e.Display.Negatives != 3)
            d.Add($"on purpose: eigen-images draw {e.Display.Negatives} negative direction{(e.Display.Negatives == 1 ? "" : "s")} (the authors' script draws 3); C16 reads the top eigenvectors only");
        return d;
    }
}
