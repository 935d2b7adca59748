using NtkRepro.Judgement.Reporting;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Pipeline.Results;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;

namespace NtkRepro.Tests.Judgement.Claims;

/// <summary>
/// Runs a preset's plan once per test class into its store (runs/&lt;preset&gt;, or
/// $NTKREPRO_RUNS/&lt;preset&gt;: every finished step is reused, an interrupted one resumes), or says
/// why it cannot run here. NTKREPRO_THREADS sets libtorch's thread count (the rounding check runs
/// the Mini tier with 1 thread against a baseline made with 2).
/// </summary>
public abstract class ReproductionFixture
{
    public const string ThreadsVariable = "NTKREPRO_THREADS";

    protected ReproductionFixture(Preset preset)
    {
        Preset = preset;
        SkipReason = WhyNot(preset);
        if (SkipReason != null) return;
        if (int.TryParse(Environment.GetEnvironmentVariable(ThreadsVariable), out var threads)) Devices.SetThreads(threads);
        var device = preset.NeedsGpu ? torch.CUDA : torch.CPU;
        var store = new ArtifactStore(ArtifactsFolder.Default(preset.Name));
        Results = Reproduction.Run(Planner.For(preset), store, device, new PlainProgress(Console.Out, TimeSpan.FromMinutes(1)), dataOption: null).Results;
    }

    public Preset Preset { get; }
    public ReproductionResults? Results { get; }
    public string? SkipReason { get; }

    private static string? WhyNot(Preset preset)
    {
        var needs = (preset.NeedsGpu ? TestRequirement.Cuda : TestRequirement.None)
                    | (preset.NeedsFullData ? TestRequirement.FullCifar10 : TestRequirement.Cifar10);
        return TestEnvironment.Missing(needs) is { } reason ? $"preset '{preset.Name}' {reason}" : null;
    }
}

public sealed class MiniReproduction() : ReproductionFixture(Presets.Mini);

public sealed class NightlyGpuReproduction() : ReproductionFixture(Presets.NightlyGpu);
