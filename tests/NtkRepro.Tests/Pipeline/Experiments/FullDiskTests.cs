using NtkRepro.Tests.Infrastructure;
using NtkRepro.Tests.Judgement.Claims;
using Xunit;

namespace NtkRepro.Tests.Pipeline.Experiments;

/// <summary>
/// A store on a 3 MiB filesystem that fills mid-step: the step fails naming its file, nothing
/// partial is left, and the store resumed on a healthy disk ends with the same figures.
/// </summary>
[Tier(TestTier.Smoke)]
public class FullDiskTests(SmokeReproduction smoke) : IClassFixture<SmokeReproduction>
{
    private static (int Code, string Output) Sh(params string[] args) => ExternalProcess.Run(args[0], args[1..]);

    [SkippableFact]
    public void AStoreThatFillsItsDiskFailsNamingTheFileLeavesNothingPartialAndResumesToTheSameFigures()
    {
        Skip.If(OperatingSystem.IsWindows() || Environment.UserName != "root", "needs root on Linux to mount a size-limited tmpfs");
        var small = TestData.TempDir("full-disk");
        var (mounted, why) = Sh("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", small);
        Skip.If(mounted != 0, $"cannot mount a 3 MiB tmpfs here: {why.Trim()}");
        var healthy = TestData.TempDir("full-disk-resumed");
        try
        {
            var (code, output, error) = CliProcess.InProcess("reproduce", "--preset", "smoke", "--store", small, "--jobs", "1");
            Assert.True(code == 2, $"exit {code}: {error}\n{output}");
            Assert.Contains("No space left on device", error + output);
            Assert.Empty(Directory.GetFiles(small, "*.partial", SearchOption.AllDirectories));
            TestData.CopyDirectory(small, healthy);
        }
        finally
        {
            Sh("umount", small);
        }
        var (resumed, log, err) = CliProcess.InProcess("reproduce", "--preset", "smoke", "--store", healthy, "--jobs", "1");
        Assert.True(resumed == SmokeReproduction.ExpectedExitCode(smoke.Results), $"exit {resumed}: {err}\n{log}");
        var (compared, table, _) = CliProcess.InProcess("compare", smoke.Store, healthy);
        Assert.True(compared == 0, table);
        Assert.Contains("exact mode (the fingerprints are equal)", table);
    }
}
