using System.Diagnostics;
using NtkRepro.Pipeline.Experiments;

namespace NtkRepro.Cli.Commands;

/// <summary>
/// Starts this program's `run-step` as a worker process for some steps: the same executable (or,
/// under the dotnet host, the same assembly), the plan options of the parent, one libtorch thread
/// unless told otherwise. Each worker's output goes to a log under the store's logs/workers/.
/// </summary>
public sealed class WorkerLauncher(string preset, ArtifactStore store, IReadOnlyList<string> passThrough, int threads)
{
    private int _count;

    public WorkerExit Launch(IReadOnlyList<PlanStep> steps)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot start workers: the path of this program is unknown");
        start.FileName = host;
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            start.ArgumentList.Add(typeof(Program).Assembly.Location);
        start.ArgumentList.Add("run-step");
        foreach (var s in steps) start.ArgumentList.Add(s.Key);
        foreach (var a in new[] { "--preset", preset, "--store", store.Root, "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(passThrough))
            start.ArgumentList.Add(a);
        var logs = Path.Combine(store.Root, "logs", "workers");
        Directory.CreateDirectory(logs);
        var log = Path.Combine(logs, $"{Interlocked.Increment(ref _count):D4}-{steps[0].Key.Replace('/', '_')}.log");
        using var writer = new StreamWriter(log) { AutoFlush = true };
        var tail = new Queue<string>();
        void Line(string? line)
        {
            if (line is null) return;
            lock (tail)
            {
                writer.WriteLine(line);
                tail.Enqueue(line);
                if (tail.Count > 5) tail.Dequeue();
            }
        }
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        lock (tail) return new WorkerExit(process.ExitCode, $"{string.Join(" | ", tail)} (log: {log})");
    }
}
