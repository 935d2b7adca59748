using System.CommandLine;
using NtkRepro.Judgement.Baselines;

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
        var command = new Command("compare",
            "Compare a received snapshot of a preset's figures and verdicts with its baseline: " +
            "bit for bit when their fingerprints match, with the baseline's measured noise otherwise");
        var sideBySide = new Option<string?>("--side-by-side") { Description = "Also write every shared figure of the two, side by side, as a Markdown table to this file" };
        var labels = new Option<string>("--labels") { Description = "Column names of the side-by-side table: <baseline>,<received>", DefaultValueFactory = _ => "baseline,received" };
        command.Arguments.Add(baseline);
        command.Arguments.Add(received);
        command.Options.Add(sideBySide);
        command.Options.Add(labels);
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
        {
            var (old, now) = (SnapshotFile.Read(parse.GetValue(baseline)!), SnapshotFile.Read(parse.GetValue(received)!));
            var report = SnapshotComparison.Compare(old, now);
            parse.InvocationConfiguration.Output.WriteLine(report.Format());
            if (parse.GetValue(sideBySide) is { } table)
            {
                var names = parse.GetValue(labels)!.Split(',', StringSplitOptions.TrimEntries);
                if (names.Length != 2) throw new ArgumentException($"--labels {parse.GetValue(labels)}: expected two names separated by a comma");
                File.WriteAllText(table, SideBySide.Markdown(old, now, names[0], names[1]) + Environment.NewLine + report.Summary() + Environment.NewLine);
            }
            return report.Matches ? ExitCode.Success : ExitCode.CheckFailed;
        }));
        return command;
    }
}
