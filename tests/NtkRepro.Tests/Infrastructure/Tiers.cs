using System.Runtime.CompilerServices;
using NtkRepro.Native;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace NtkRepro.Tests.Infrastructure;

/// <summary>
/// Test tiers, used as <c>[Trait("Tier", Tiers.Fast)]</c>: Fast (unit, seconds), Smoke (tiny end
/// to end, minutes), Mini (reduced-scale claims on real CIFAR-10, CPU), Gpu (paper scale).
/// libtorch state (seeds, threads) is global, so tests never run in parallel.
/// </summary>
public static class Tiers
{
    public const string Fast = "Fast";
    public const string Smoke = "Smoke";
    public const string Mini = "Mini";
    public const string Gpu = "Gpu";
}

internal static class TestAssemblySetup
{
#pragma warning disable CA2255 // the native shim must be made loadable before any test touches torch
    [ModuleInitializer]
    internal static void Init() => TorchNativeSetup.Ensure();
#pragma warning restore CA2255
}
