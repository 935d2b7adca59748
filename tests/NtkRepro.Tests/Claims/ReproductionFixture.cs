using NtkRepro.Experiments;
using NtkRepro.Tests.Infrastructure;
using NtkRepro.Util;
using TorchSharp;

namespace NtkRepro.Tests.Claims;

/// <summary>
/// Runs a preset once per test class (or reuses its cached run under runs/&lt;preset&gt;: every
/// finished step is reused, an interrupted one resumes), or says why it cannot run here.
/// </summary>
public abstract class ReproductionFixture
{
    protected ReproductionFixture(Preset preset)
    {
        Preset = preset;
        SkipReason = WhyNot(preset);
        if (SkipReason != null) return;
        var device = preset.NeedsGpu ? torch.CUDA : torch.CPU;
        var runner = new ReproductionRunner(preset, ArtifactsFolder.Default(preset.Name), device, new PlainProgress(Console.Out, TimeSpan.FromMinutes(1)));
        Results = runner.Run(dataOption: null);
    }

    public Preset Preset { get; }
    public ReproductionResults? Results { get; }
    public string? SkipReason { get; }

    private static string? WhyNot(Preset preset)
    {
        if (preset.NeedsGpu && !torch.cuda.is_available())
            return $"preset '{preset.Name}' needs a CUDA GPU: none is available (build with -p:TorchBackend=cuda on a GPU machine)";
        return TestData.MissingCifar10Reason(full: preset.NeedsFullData) is { } reason ? $"preset '{preset.Name}' {reason}" : null;
    }
}

public sealed class MiniReproduction() : ReproductionFixture(Presets.Mini);

public sealed class NightlyGpuReproduction() : ReproductionFixture(Presets.NightlyGpu);
