using System.Runtime.CompilerServices;
using NtkRepro.Numerics.Native;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace NtkRepro.Tests.Infrastructure;

/// <summary>
/// Test tiers: Fast (unit, seconds), Smoke (tiny end to end, minutes), Mini (reduced-scale claims
/// on real CIFAR-10, CPU), Stress (hundreds of rounds in one process), Detection (the smoke
/// pipeline with planted defects against the smoke baseline), Gpu (paper scale), Cluster (the plan
/// through a real single-node Slurm).
/// libtorch state (seeds, threads) is global, so tests never run in parallel.
/// </summary>
public enum TestTier { Fast, Smoke, Mini, Stress, Detection, Gpu, Cluster }

/// <summary>
/// The trait <c>Tier=&lt;name&gt;</c> on a test class or method, so that
/// <c>dotnet test --filter Tier=Fast</c> selects by tier.
/// </summary>
[TraitDiscoverer("NtkRepro.Tests.Infrastructure.TierDiscoverer", "NtkRepro.Tests")]
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class TierAttribute(TestTier tier) : Attribute, ITraitAttribute
{
    public const string TraitName = "Tier";

    public TestTier Tier { get; } = tier;
}

public sealed class TierDiscoverer : ITraitDiscoverer
{
    public IEnumerable<KeyValuePair<string, string>> GetTraits(IAttributeInfo traitAttribute)
    {
        // Metadata-based discovery hands over the enum's underlying value, reflection the enum.
        var argument = traitAttribute.GetConstructorArguments().Single();
        var tier = argument is TestTier t ? t : (TestTier)Convert.ToInt32(argument, System.Globalization.CultureInfo.InvariantCulture);
        yield return new(TierAttribute.TraitName, tier.ToString());
    }
}

internal static class TestAssemblySetup
{
#pragma warning disable CA2255 // the native shim must be made loadable before any test touches torch
    [ModuleInitializer]
    internal static void Init() => TorchNativeSetup.Ensure();
#pragma warning restore CA2255
}
