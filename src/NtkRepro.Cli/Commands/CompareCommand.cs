using System.CommandLine;
using NtkRepro.Baselines;

namespace NtkRepro.Cli.Commands;

/// <summary>
/// <c>ntkrepro compare &lt;baseline&gt; &lt;received&gt;</c>: snapshot diff review as a command, the same
/// code the Mini and Smoke tiers run. Exit 0 when the two match, 1 when they do not, 2 when either
/// cannot be read or the two cannot be compared.
/// </summary>
public static class CompareCommand
{
    public static Command Create()
    {
        var baseline = new Argument<string>("baseline") { Description = "The baseline: a figures.snap, a baseline folder (baselines/<preset>), a results.json or an artifact store" };
        var received = new Argument<string>("received") { Description = "The received snapshot, in any of the same forms" };
        var command = new Command("compare", "Compare a received snapshot of a preset's figures and verdicts with its baseline: bit for bit when their fingerprints match, with the baseline's measured noise otherwise");
        command.Arguments.Add(baseline);
        command.Arguments.Add(received);
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
        {
            var report = SnapshotComparison.Compare(SnapshotFile.Read(parse.GetValue(baseline)!), SnapshotFile.Read(parse.GetValue(received)!));
            parse.InvocationConfiguration.Output.WriteLine(report.Format());
            return report.Matches ? ExitCode.Success : ExitCode.CheckFailed;
        }));
        return command;
    }
}
