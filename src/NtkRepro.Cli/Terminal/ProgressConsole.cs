using NtkRepro.Numerics.Util;
using Spectre.Console;

namespace NtkRepro.Cli.Terminal;

/// <summary>
/// Progress for long work: live bars with ETA on a terminal, plain periodic lines when the
/// output is redirected (logs, CI, tests).
/// </summary>
public static class ProgressConsole
{
    public static ExitCode Run(TextWriter output, Func<IProgressSink, ExitCode> body)
    {
        bool plain = !ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive;
        if (plain) return body(new PlainProgress(output));
        var result = ExitCode.Success;
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx => result = body(new SpectreProgress(ctx)));
        return result;
    }

    private sealed class SpectreProgress(ProgressContext context) : IProgressSink
    {
        private readonly Dictionary<string, ProgressTask> _tasks = new();
        private readonly object _gate = new();

        public void Report(string task, long done, long total, string detail)
        {
            lock (_gate)
            {
                if (!_tasks.TryGetValue(task, out var t) || t.IsFinished)
                    _tasks[task] = t = context.AddTask(Markup.Escape(task), maxValue: Math.Max(1, total));
                t.MaxValue = Math.Max(1, total);
                t.Value = done;
                t.Description = Markup.Escape($"{task} {detail}");
                if (done >= total) t.StopTask();
            }
        }

        public void Log(string line)
        {
            lock (_gate) AnsiConsole.MarkupLine(Markup.Escape(line));
        }
    }
}
