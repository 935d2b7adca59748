using NtkRepro.Numerics.Native;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Numerics.Native;

[Tier(TestTier.Fast)]
public class CpuRuntimeSetupTests
{
    [Fact]
    public void AllocatorThresholdsAreSetOnGlibcUnlessTheUserChose()
    {
        Assert.True(CpuRuntimeSetup.DecideAllocator(glibc: true, _ => null).Set);
        Assert.False(CpuRuntimeSetup.DecideAllocator(glibc: false, _ => null).Set);
        var user = CpuRuntimeSetup.DecideAllocator(glibc: true, v => v == "MALLOC_TRIM_THRESHOLD_" ? "0" : null);
        Assert.False(user.Set);
        Assert.Contains("MALLOC_TRIM_THRESHOLD_", user.Reason);
        Assert.False(CpuRuntimeSetup.DecideAllocator(glibc: true, v => v == "GLIBC_TUNABLES" ? "glibc.malloc.trim_threshold=0" : null).Set);
        Assert.True(CpuRuntimeSetup.DecideAllocator(glibc: true, v => v == "GLIBC_TUNABLES" ? "glibc.pthread.rseq=0" : null).Set);
    }

    [Fact]
    public void ApplyIsIdempotentAndTheMachineLineNamesCpuIsaConvolutionsAndAllocator()
    {
        var a = CpuRuntimeSetup.Apply();
        Assert.Same(a, CpuRuntimeSetup.Apply());
        var line = MachineDescription.Describe();
        Assert.Contains(a.Cpu, line);
        Assert.Contains("oneDNN ISA:", line);
        Assert.Contains("convolutions: ", line);
        Assert.Contains(CpuConvolution.Outcome.OneDnnCorrect ? "self-check passed" : "failed its self-check", line);
        Assert.Contains("allocator:", line);
        if (OperatingSystem.IsLinux() && CpuRuntimeSetup.NativeGetenv("MALLOC_TRIM_THRESHOLD_") is null)
            Assert.Contains("glibc malloc with mmap threshold", a.Allocator);
    }

    [EnvironmentFact(TestRequirement.ProcCpuInfo)]
    public void TheCpuDescriptionAgreesWithProcCpuinfo()
    {
        var flags = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags")).Split(' ');
        var cpu = CpuDescription.Read();
        Assert.Equal(flags.Contains("avx512f"), cpu.HasAvx512);
        Assert.Equal(flags.Contains("avx2"), cpu.HasAvx2);
    }
}
