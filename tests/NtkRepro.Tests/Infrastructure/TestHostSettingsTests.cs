using Xunit;

namespace NtkRepro.Tests.Infrastructure;

/// <summary>What ci/test.runsettings promises the test host, checked from inside it.</summary>
[Tier(TestTier.Fast)]
public class TestHostSettingsTests
{
    /// <summary>
    /// Spinning OpenMP threads make the tests' speed depend on what else runs on the machine: beside a
    /// CPU-saturating process, libtorch's two threads spin at every barrier while their partner waits
    /// for a time slice. The policy must be in the environment before libgomp loads, so it comes from
    /// the run settings, not from code in the host.
    /// </summary>
    [Fact]
    public void OpenMpThreadsWaitPassivelySoTheTestsDoNotDependOnTheMachinesLoad()
    {
        Assert.Equal("PASSIVE", Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"));
        var environ = File.ReadAllText("/proc/self/environ").Split('\0');
        Assert.Contains("OMP_WAIT_POLICY=PASSIVE", environ);
    }
}
