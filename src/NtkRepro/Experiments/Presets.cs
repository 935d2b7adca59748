using NtkRepro.Attacks;
using NtkRepro.Data;
using NtkRepro.Kernels;
using NtkRepro.Linearization;
using NtkRepro.Models;
using NtkRepro.Training;
using NtkRepro.Runs;

namespace NtkRepro.Experiments;

/// <summary>The reproduction at four scales.</summary>
public static class Presets
{
    private const double Eps = 4.0 / 255;

    /// <summary>
    /// Minutes, anywhere: the whole pipeline on synthetic data with a tiny network. It exercises
    /// every step; no claim is checked on it.
    /// </summary>
    public static readonly Preset Smoke = new()
    {
        Name = "smoke",
        Scale = "smoke",
        Summary = "Pipeline check on synthetic CIFAR-shaped data (tiny CNN, a few epochs): exercises every step, checks no claim.",
        Model = new ModelSpec(ModelSpec.SmallCnn, 4, 10),
        Data = new DataSpec(DatasetLoader.Synthetic, 20, 100),
        Stage1Epochs = 3,
        SwitchEpoch = 2,
        TrainAttack = new PgdConfig(Eps, 2, Eps / 2),
        FractionalCheckpoints = [0.5],
        KernelEpochs = new Dictionary<string, IReadOnlyList<double>>
        {
            ["benign"] = [0, 0.5, 1, 2, 3], ["adversarial"] = [0, 0.5, 1, 2, 3], ["switch"] = [0, 1, 2, 3],
        },
        KernelSubset = new KernelSubset(PerClass: 5),
        SpawnEpochs = [1, 3],
        Stage2Epochs = 1,
        FixedKernel = new FixedKernelSpec("benign", 3, Dynamics.Centered, 1),
        Eval = new EvalConfig(new PgdConfig(Eps, 3, Eps / 1.5), BatchSize: 100),
        Deviations =
        [
            "synthetic data, not CIFAR: no claim is checked",
            "small CNN of width 4 instead of ResNet-18",
            "3 stage-1 epochs (switch at 2), 1 stage-2 epoch",
            "training PGD-2 (α = ε/2), evaluation PGD-3 (α = ε/1.5)",
            "kernels on 50 points (5 per class)",
        ],
    };

    /// <summary>
    /// The CPU reproduction on the real CIFAR-10 subset (about 35 minutes on 2 cores): the whole
    /// protocol, scaled down where a 2-core CPU forces it. Choices measured on such a machine:
    /// small-CNN training step ≈ 0.12 s at batch 128 (linearized ≈ 0.18 s); one stage-1 epoch on
    /// 5,000 images ≈ 5 s benign, ≈ 25 s adversarial (mixture, PGD-5); a kernel of 250 points ≈ 4 s.
    /// </summary>
    public static readonly Preset Mini = new()
    {
        Name = "mini",
        Scale = "mini",
        Summary = "CPU reproduction on real CIFAR-10: 5,000 training images, 1,000 test images, small CNN, 15 + 5 epochs.",
        Model = new ModelSpec(ModelSpec.SmallCnn, 16, 10),
        Data = new DataSpec(CifarSource.Cifar10, 500, 1000),
        Stage1Epochs = 15,
        SwitchEpoch = 8,
        TrainAttack = new PgdConfig(Eps, 5, Eps / 2.5),
        KernelEpochs = new Dictionary<string, IReadOnlyList<double>>
        {
            ["benign"] = [0, 0.25, 0.5, 1, 2, 3, 5, 8, 11, 15],
            ["adversarial"] = [0, 0.25, 0.5, 1, 2, 3, 5, 8, 11, 15],
            ["switch"] = [5, 6, 7, 8, 9, 10, 11, 13, 15],
        },
        KernelSubset = new KernelSubset(PerClass: 25),
        SpawnEpochs = [1, 4, 15],
        Stage2Epochs = 5,
        FixedKernel = new FixedKernelSpec("benign", 15, Dynamics.Centered, 5),
        Eval = new EvalConfig(new PgdConfig(Eps, 10, Eps / 5), BatchSize: 250),
        Deviations =
        [
            "CIFAR-10 subset: the first 500 training images of each class (5,000 of 50,000) and the first 1,000 of 10,000 test images",
            "small CNN (4 conv–BN–ReLU layers, width 16, 33,626 parameters, zero-initialised head) instead of ResNet-18 (11.2M)",
            "stage 1: 15 epochs instead of 100; the switch run turns adversarial at epoch 8 instead of 50",
            "stage 2: 5 epochs instead of 100, spawn epochs 1, 4 and 15 only",
            "training attack PGD-5 with α = ε/2.5 instead of PGD-20 with α = ε/10 (the same 2ε travel)",
            "evaluation attack PGD-10 with α = ε/5 instead of PGD-100 with α = ε/50 (the same 2ε travel)",
            "kernels on 250 training points (25 per class) instead of 500",
            "section 7 (AT on a fixed kernel) trains 5 epochs from the benign parent's final epoch (15) instead of epoch 20 of 100",
            "one seed instead of three; ε = 4/255 only (no ε = 8/255 runs)",
        ],
    };

    /// <summary>
    /// The slice of the paper that fits one night on one GPU and still checks C1 and the
    /// centered-robustness claims: ResNet-18 on full CIFAR-10, one seed, ε = 4/255.
    /// </summary>
    public static readonly Preset NightlyGpu = new()
    {
        Name = "nightly-gpu",
        Scale = "gpu",
        Summary = "One GPU night: ResNet-18 on full CIFAR-10, 40 stage-1 epochs, AT on the fixed kernel of the benign parent at epoch 20.",
        Model = new ModelSpec(ModelSpec.ResNet18, 64, 10),
        Data = new DataSpec(CifarSource.Cifar10, null, null),
        Stage1Epochs = 40,
        SwitchEpoch = 20,
        TrainAttack = PgdConfig.Training(),
        KernelEpochs = new Dictionary<string, IReadOnlyList<double>>
        {
            ["benign"] = [0, 0.5, 1, 2, 5, 10, 20, 30, 40],
            ["adversarial"] = [0, 0.5, 1, 2, 5, 10, 20, 30, 40],
            ["switch"] = [10, 15, 19, 20, 21, 25, 30, 40],
        },
        KernelSubset = new KernelSubset(PerClass: 50),
        SpawnEpochs = [2, 20],
        Stage2Epochs = 20,
        FixedKernel = new FixedKernelSpec("benign", 20, Dynamics.Centered, 20),
        Eval = new EvalConfig(PgdConfig.Evaluation(), BatchSize: 500),
        Deviations =
        [
            "stage 1: 40 epochs instead of 100 (the switch run turns adversarial at 20 instead of 50)",
            "stage 2: 20 epochs instead of 100, spawn epochs 2 and 20 only",
            "one seed instead of three; ε = 4/255 only; CIFAR-10 only",
        ],
        NeedsGpu = true,
        NeedsFullData = true,
    };

    /// <summary>The paper's protocol as specified in PROTOCOL §3 (many GPU-days).</summary>
    public static readonly Preset Paper = new()
    {
        Name = "paper",
        Scale = "paper",
        Summary = "The full protocol: ResNet-18, full CIFAR-10, 100 + 100 epochs, seeds 0-2 (ε = 8/255 and CIFAR-100 are further runs of the same preset).",
        Model = new ModelSpec(ModelSpec.ResNet18, 64, 10),
        Data = new DataSpec(CifarSource.Cifar10, null, null),
        Stage1Epochs = 100,
        SwitchEpoch = 50,
        TrainAttack = PgdConfig.Training(),
        KernelEpochs = new Dictionary<string, IReadOnlyList<double>>
        {
            ["benign"] = [0, 0.125, 0.25, 0.375, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
            ["adversarial"] = [0, 0.125, 0.25, 0.375, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
            ["switch"] = [40, 45, 48, 49, 50, 51, 52, 55, 60, 70, 80, 90, 100],
        },
        KernelSubset = new KernelSubset(PerClass: 50),
        SpawnEpochs = [0, 1, 2, 3, 5, 10, 20, 40, 60, 80, 100],
        Stage2Epochs = 100,
        FixedKernel = new FixedKernelSpec("benign", 20, Dynamics.Centered, 100),
        Eval = new EvalConfig(PgdConfig.Evaluation(), BatchSize: 500),
        Seeds = [0, 1, 2],
        Deviations = ["none intended; ε = 8/255 (section 9) and CIFAR-100 are separate invocations not yet wired into the preset"],
        NeedsGpu = true,
        NeedsFullData = true,
    };

    public static readonly IReadOnlyList<Preset> All = [Smoke, Mini, NightlyGpu, Paper];

    public static Preset Get(string name) =>
        All.FirstOrDefault(p => p.Name == name) ?? throw new ArgumentException($"unknown preset '{name}' (known: {string.Join(", ", All.Select(p => p.Name))})");
}
