using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Data;

/// <summary>
/// A seeded CIFAR-shaped dataset for runs without a data root. Each class has a large-amplitude
/// low-frequency pattern (a robust feature, far above ε = 4/255) and a small-amplitude
/// high-frequency pattern (a non-robust feature, below ε), plus per-image noise and contrast.
/// It exercises the pipeline; it is not CIFAR and no claim is checked on it.
/// </summary>
public static class SyntheticCifar
{
    public const float RobustAmplitude = 0.12f;
    public const float NonRobustAmplitude = 2f / 255f;
    public const float NoiseStd = 0.08f;

    public static (LabeledImages Train, LabeledImages Test) Create(int trainPerClass, int testPerClass, int classes = 10, int seed = 0)
    {
        using var scope = torch.NewDisposeScope();
        using var gen = new Generator((ulong)seed);
        var (robust, nonRobust) = ClassPatterns(classes, gen);
        var train = Sample(robust, nonRobust, trainPerClass, gen, "synthetic train");
        var test = Sample(robust, nonRobust, testPerClass, gen, "synthetic test");
        train.Images.MoveToOuterDisposeScope(); train.Labels.MoveToOuterDisposeScope();
        test.Images.MoveToOuterDisposeScope(); test.Labels.MoveToOuterDisposeScope();
        return (train, test);
    }

    private static (Tensor Robust, Tensor NonRobust) ClassPatterns(int classes, Generator gen)
    {
        // Low frequency: a random 4x4 colour field upsampled bilinearly to 32x32, scaled to ±1.
        var coarse = torch.rand(classes, 3, 4, 4, generator: gen) * 2 - 1;
        var robust = nn.functional.interpolate(coarse, size: [32, 32], mode: InterpolationMode.Bilinear, align_corners: true);
        robust = robust / robust.abs().amax([1, 2, 3], keepdim: true);
        // High frequency: a random ±1 sign at every pixel.
        var nonRobust = torch.rand(classes, 3, 32, 32, generator: gen).gt(0.5).to(ScalarType.Float32) * 2 - 1;
        return (robust * RobustAmplitude, nonRobust * NonRobustAmplitude);
    }

    private static LabeledImages Sample(Tensor robust, Tensor nonRobust, int perClass, Generator gen, string name)
    {
        int classes = (int)robust.shape[0];
        var labels = torch.arange(classes, ScalarType.Int64).repeat_interleave(perClass);
        var n = labels.shape[0];
        var contrast = 0.6f + 0.8f * torch.rand(n, 1, 1, 1, generator: gen);
        var brightness = 0.35f + 0.3f * torch.rand(n, 1, 1, 1, generator: gen);
        var images = brightness + contrast * robust[labels] + nonRobust[labels] + NoiseStd * torch.randn(n, 3, 32, 32, generator: gen);
        return new LabeledImages(images.clamp(0, 1), labels, classes, $"{name} ({perClass}/class)");
    }
}
