using System.Diagnostics;

namespace NtkRepro.Tests.Infrastructure;

/// <summary>A program run to its end: its exit code and its stdout then stderr; killed, with its children, past the time limit.</summary>
public static class ExternalProcess
{
    public static (int Code, string Output) Run(string file, IEnumerable<string> args, TimeSpan? limit = null,
        string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit ?? TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', info.ArgumentList)} did not finish within {limit ?? TimeSpan.FromMinutes(10)}");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
