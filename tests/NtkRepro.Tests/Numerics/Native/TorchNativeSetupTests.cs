using NtkRepro.Numerics.Native;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;

namespace NtkRepro.Tests.Numerics.Native;

[Tier(TestTier.Fast)]
public class TorchNativeSetupTests
{
    [Fact]
    public void TorchLoadsAndComputes()
    {
        using var t = torch.arange(1, 5, dtype: torch.float32);
        Assert.Equal(10f, t.sum().item<float>());
    }

    [EnvironmentFact(TestRequirement.SystemLibStdCxx)]
    public void SystemCheckAgreesWithTheLibraryFile()
    {
        // Oracle: the version string appears in libstdc++'s version definitions iff it provides it.
        var text = System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(TestEnvironment.LibStdCxx!));
        Assert.Equal(text.Contains(TorchNativeSetup.MissingVersion + "\0"), TorchNativeSetup.SystemProvides(TorchNativeSetup.MissingVersion));
    }

    [Fact]
    public void EveryShimTheRuntimeMayLoadIsLoadable()
    {
        var shims = TorchNativeSetup.CandidateShimPaths().ToList();
        Assert.NotEmpty(shims);
        bool systemOk = TorchNativeSetup.SystemProvides(TorchNativeSetup.MissingVersion);
        foreach (var shim in shims)
        {
            var req = ElfVersionNeed.Read(File.ReadAllBytes(shim), shim).Where(r => r.Version == TorchNativeSetup.MissingVersion).ToList();
            Assert.True(systemOk || req.All(r => r.IsWeak), $"{shim}: {TorchNativeSetup.MissingVersion} still required; setup said: {TorchNativeSetup.Report}");
        }
    }

    [Fact]
    public void PatchSetsOnlyTheWeakFlagAndIsIdempotent()
    {
        var dir = TestData.TempDir("shim");
        var copy = Path.Combine(dir, TorchNativeSetup.ShimFileName);
        File.Copy(TorchNativeSetup.CandidateShimPaths().First(), copy);
        // Start from the file as published: the requirement not weak.
        var bytes = File.ReadAllBytes(copy);
        var target = ElfVersionNeed.Read(bytes, copy).Single(r => r.Version == TorchNativeSetup.MissingVersion);
        bytes[target.FlagsOffset] &= unchecked((byte)~ElfVersionNeed.WeakFlag);
        File.WriteAllBytes(copy, bytes);
        var before = File.ReadAllBytes(copy);

        Assert.True(TorchNativeSetup.PatchFile(copy, TorchNativeSetup.MissingVersion));
        var after = File.ReadAllBytes(copy);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        Assert.Equal([target.FlagsOffset], changed.Select(i => (long)i));
        var reqs = ElfVersionNeed.Read(after, copy);
        Assert.True(reqs.Single(r => r.Version == TorchNativeSetup.MissingVersion).IsWeak);
        Assert.Equal(ElfVersionNeed.Read(before, copy).Count, reqs.Count);

        Assert.False(TorchNativeSetup.PatchFile(copy, TorchNativeSetup.MissingVersion));
        Assert.Equal(after, File.ReadAllBytes(copy));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void NonElfInputIsRejectedWithTheFileName()
    {
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionNeed.Read(new byte[100], "/x/not-elf.so"));
        Assert.Contains("/x/not-elf.so", e.Message);
    }
}
