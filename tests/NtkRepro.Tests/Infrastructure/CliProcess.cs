using System.Diagnostics;

namespace NtkRepro.Tests.Infrastructure;

/// <summary>The command line in-process (fast) or in its own process (as a scheduler runs it, or to kill it).</summary>
public static class CliProcess
{
    public static (int Code, string Out, string Err) InProcess(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = NtkRepro.Cli.Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>Runs ntkrepro in its own process; kills it (SIGKILL) as soon as a file appears, if one is given.</summary>
    public static (int Code, string Output) Run(string[] args, string? killWhenExists = null, TimeSpan? limit = null)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "NtkRepro.Cli.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(cli);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, d) => { lock (output) output.AppendLine(d.Data); };
        process.ErrorDataReceived += (_, d) => { lock (output) output.AppendLine(d.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromMinutes(5));
        while (!process.HasExited && DateTime.UtcNow < deadline)
        {
            if (killWhenExists != null && File.Exists(killWhenExists))
            {
                process.Kill(entireProcessTree: true);
                break;
            }
            Thread.Sleep(20);
        }
        if (!process.WaitForExit(60_000)) { process.Kill(true); throw new TimeoutException($"ntkrepro {string.Join(' ', args)} did not finish"); }
        // On Unix a timed wait returns at exit without waiting for the redirected streams to reach
        // their end, so the last lines (a step's "done: …") could still be in flight; this wait drains them.
        process.WaitForExit();
        lock (output) return (process.ExitCode, output.ToString());
    }
}
