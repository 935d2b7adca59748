using System.Text.RegularExpressions;
using NtkRepro.Cli;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Cli;

/// <summary><c>ntkrepro plan</c>'s text: the wall time it states is one a user can plan on.</summary>
[Tier(TestTier.Fast)]
public partial class PlanCommandTests
{
    [GeneratedRegex(@"about ([0-9.]+) GPU hours \(([^ ]+) of wall time on one GPU\)")]
    private static partial Regex GpuHeadline();

    [Fact]
    public void AGpuPresetsWallTimeIsItsStepsOneAtATimeOnOneGpuWhateverTheCores()
    {
        var (code, output, error) = CliProcess.InProcess("plan", "--preset", "nightly-gpu");
        Assert.True(code == (int)ExitCode.Success, error);
        var m = GpuHeadline().Match(output.Split('\n')[0]);
        Assert.True(m.Success, output.Split('\n')[0]);
        double hours = double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var wall = Planner.For(Presets.NightlyGpu).Steps.Where(s => s.Key != Plan.ReportKey).Sum(s => s.ImagePasses) / Presets.NightlyGpu.ImagePassesPerSecond;
        Assert.Equal(Eta.Short(TimeSpan.FromSeconds(wall)), m.Groups[2].Value);
        Assert.InRange(hours, 0.99 * wall / 3600, 1.01 * wall / 3600);
    }
}
