using System.Text.RegularExpressions;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Native;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;

namespace NtkRepro.Tests.Numerics.Native;

/// <summary>
/// Which libtorch this process loaded, and how a libtorch folder's version is read: from a
/// versioned file name, libtorch's build-version, PyTorch's version.py or a NuGet package.
/// </summary>
[Tier(TestTier.Fast)]
public class LibtorchTests
{
    [Fact]
    public void TestsRunOnTheCpuPackageAndTheMachineLineNamesItsRelease()
    {
        torch.zeros(1).Dispose();
        Assert.Equal(TorchBackend.Cpu, Libtorch.Backend);
        var loaded = Libtorch.Loaded();
        Assert.NotNull(loaded);
        Assert.Equal(Libtorch.BuiltAgainst, loaded.Version);
        Assert.True(loaded.IsBuiltAgainstVersion);
        Assert.Null(Libtorch.VersionWarning());
        Assert.False(Libtorch.CudaLoaded);
        var line = MachineDescription.Describe();
        Assert.Contains(MachineDescription.LibtorchSegment + Libtorch.BuiltAgainst + " at ", line);
        Assert.DoesNotContain(MachineDescription.CudaPrefix, line);
        Assert.Equal(line[..line.IndexOf(MachineDescription.LibtorchSegment, StringComparison.Ordinal)], MachineDescription.WithoutLibtorch(line));
    }

    [Fact]
    public void BuiltAgainstIsThePinnedPackageVersion()
    {
        var props = File.ReadAllText(Path.Combine(DataRoot.RepositoryRoot()!, "Directory.Packages.props"));
        var pinned = Regex.Match(props, @"Include=""libtorch-cpu-linux-x64"" Version=""([^""]+)""").Groups[1].Value;
        Assert.Equal(Libtorch.BuiltAgainst, pinned);
    }

    [Theory]
    [InlineData("2.10.0", true)]
    [InlineData("2.10.0+cu128", true)]
    [InlineData("2.10.0a0+git1234", true)]
    [InlineData("2.10.1", false)]
    [InlineData("2.11.0", false)]
    [InlineData("12.10.0", false)]
    [InlineData("1.13.0", false)]
    public void SameReleaseComparesMajorMinorAndPatchOnly(string version, bool same) =>
        Assert.Equal(same, Libtorch.SameRelease(version, "2.10.0"));

    [Theory]
    [InlineData("/usr/lib/x86_64-linux-gnu/libtorch_cpu.so.1.13.0", "1.13.0")]
    [InlineData("/opt/libtorch/lib/libtorch_cpu.so", null)]
    [InlineData("/opt/x/libtorch_cpu.so.1", null)]
    public void AVersionedFileNameGivesTheVersion(string path, string? version) =>
        Assert.Equal(version, Libtorch.VersionOfFile(path));

    [Fact]
    public void AFolderVersionComesFromWhatEachDistributionPutsBesideIt()
    {
        var root = TestData.TempDir("libtorch-version");
        Assert.Equal("2.10.0+cpu", VersionOf(root, "libtorch", "build-version", "2.10.0+cpu\n"));
        Assert.Equal("2.11.0+cu128", VersionOf(root, "torch", "version.py", "from typing import Optional\n__version__ = '2.11.0+cu128'\ngit_version = 'abc'\n"));
        var native = Path.Combine(root, "libtorch-cpu-linux-x64", "2.10.0", "runtimes", "linux-x64", "native");
        Directory.CreateDirectory(native);
        File.WriteAllText(Path.Combine(root, "libtorch-cpu-linux-x64", "2.10.0", "libtorch-cpu-linux-x64.nuspec"),
            "<package><metadata><id>libtorch-cpu-linux-x64</id><version>2.10.0</version></metadata></package>");
        Assert.Equal("2.10.0", Libtorch.VersionOfFolder(native));
        var bare = Path.Combine(root, "bare", "lib");
        Directory.CreateDirectory(bare);
        Assert.Null(Libtorch.VersionOfFolder(bare));
    }

    private static string? VersionOf(string root, string distribution, string file, string content)
    {
        var lib = Path.Combine(root, distribution, "lib");
        Directory.CreateDirectory(lib);
        File.WriteAllText(Path.Combine(root, distribution, file), content);
        return Libtorch.VersionOfFolder(lib + "/");
    }
}
