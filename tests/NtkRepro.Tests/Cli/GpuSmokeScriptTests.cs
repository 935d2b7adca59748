using System.Diagnostics;
using NtkRepro.Numerics.Data;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Cli;

/// <summary>
/// The GPU smoke bundle's scripts: valid bash, and bad input refused with exit 2 and a line naming
/// it before anything is unpacked or run. (The full route, prepare.sh then run.sh --device cpu, is
/// the README's command: about six minutes, too long for the Smoke tier beside gpu-smoke-cpu itself.)
/// </summary>
[Tier(TestTier.Fast)]
public class GpuSmokeScriptTests
{
    private static string Script(string name) => Path.Combine(DataRoot.RepositoryRoot()!, "ci", "gpu-smoke", name);

    private static (int Code, string Error) Bash(params string[] args)
    {
        using var bash = Process.Start(new ProcessStartInfo("/bin/bash", args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var error = bash.StandardError.ReadToEnd();
        bash.StandardOutput.ReadToEnd();
        bash.WaitForExit();
        return (bash.ExitCode, error);
    }

    [SkippableTheory]
    [InlineData("prepare.sh")]
    [InlineData("run.sh")]
    public void TheScriptIsValidBash(string name)
    {
        TestEnvironment.SkipUnless(TestRequirement.Bash);
        var (code, error) = Bash("-n", Script(name));
        Assert.True(code == 0, error);
    }

    [SkippableFact]
    public void RunRefusesBadInputNamingIt()
    {
        TestEnvironment.SkipUnless(TestRequirement.Bash);
        var empty = TestData.TempDir("no-bundle");
        foreach (var (args, expected) in new[]
                 {
                     (new[] { "--device", "tpu", "--libtorch", "python" }, "--device must be cuda or cpu, not 'tpu'"),
                     (new[] { "--device", "cpu" }, "--libtorch is required"),
                     (new[] { "--device", "cpu", "--libtorch", empty, "--bundle", empty }, $"no bundle at {empty}"),
                     (new[] { "--device", "cpu", "--colour", "red" }, "unknown argument '--colour'"),
                 })
        {
            var (code, error) = Bash([Script("run.sh"), .. args]);
            Assert.Equal(2, code);
            Assert.Contains(expected, error);
        }
    }
}
