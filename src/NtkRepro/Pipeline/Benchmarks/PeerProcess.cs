using System.Diagnostics;
using System.Text.Json;

namespace NtkRepro.Pipeline.Benchmarks;

/// <summary>How to start the PyTorch peer (bench/peer/peer_bench.py) and what it should build.</summary>
public sealed record PeerOptions(string Python, string? Script, int Threads, int Batch, int Width, bool IncludeResNet, int ResNetWidth, int NtkPoints)
{
    public const string DefaultPython = "/usr/bin/python3";
    public const string ScriptInRepository = "bench/peer/peer_bench.py";

    /// <summary>The script beside this checkout, when there is one.</summary>
    public static string? DefaultScript() =>
        Numerics.Data.DataRoot.RepositoryRoot() is { } root && File.Exists(Path.Combine(root, ScriptInRepository)) ? Path.Combine(root, ScriptInRepository) : null;
}

/// <summary>What the peer reports about itself when it starts.</summary>
public sealed record PeerInfo(string Torch, string Functorch, string Python, string Machine, int Threads,
    IReadOnlyList<string> Cases, IReadOnlyDictionary<string, long> Parameters)
{
    public override string ToString() => $"PyTorch {Torch} + functorch {Functorch} (Python {Python}), {Machine}";
}

/// <summary>
/// The peer benchmark as a child process, driven one step at a time over stdin/stdout (see the
/// protocol in peer_bench.py), so its steps interleave with ours on the same cores. It waits on
/// its stdin while ours run.
/// </summary>
public sealed class PeerProcess : IDisposable
{
    public static readonly IReadOnlyList<string> Layouts = ["nchw", "channels-last"];

    private readonly Process _process;
    private readonly Queue<string> _stderrTail; // the last lines it wrote to stderr, for error messages

    private PeerProcess(Process process, PeerInfo info, Queue<string> stderrTail)
    {
        _process = process;
        Info = info;
        _stderrTail = stderrTail;
    }

    public PeerInfo Info { get; }

    /// <summary>The peer's name for one of our cases in a layout.</summary>
    public static string CaseName(BenchCase ours, string layout) => $"{ours.Model}/{layout}/{ours.Variant}";

    public bool Has(string caseName) => Info.Cases.Contains(caseName);

    /// <summary>Starts the peer, or says why it cannot run here (the benchmark goes on without it).</summary>
    public static (PeerProcess? Peer, string? SkipReason) Start(PeerOptions o)
    {
        if (!File.Exists(o.Python)) return (null, $"{o.Python} not found (the peer needs Debian's python3 with python3-torch)");
        if (o.Script is null || !File.Exists(o.Script))
            return (null, $"the peer script {o.Script ?? PeerOptions.ScriptInRepository} was not found (run from the repository, or pass --peer-script)");
        var start = new ProcessStartInfo(o.Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args = ["-B", o.Script, "--serve", "--threads", $"{o.Threads}", "--batch", $"{o.Batch}", "--width", $"{o.Width}",
            "--resnet-width", $"{o.ResNetWidth}", "--ntk-points", $"{o.NtkPoints}", .. o.IncludeResNet ? Array.Empty<string>() : ["--no-resnet"]];
        foreach (var a in args) start.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(start) ?? throw new InvalidOperationException("no process"); }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return (null, $"{o.Python} could not be started: {e.Message}");
        }
        var tail = new Queue<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (tail) { tail.Enqueue(e.Data); while (tail.Count > 20) tail.Dequeue(); }
        };
        process.BeginErrorReadLine();
        var line = process.StandardOutput.ReadLine();
        using var doc = line is null ? null : TryParse(line);
        if (doc?.RootElement.TryGetProperty("hello", out var hello) != true)
        {
            string why = doc?.RootElement.TryGetProperty("error", out var error) == true ? error.GetString()!
                : $"it did not start ({(line is null ? "no output" : $"'{line}'")}{StderrSummary(process, tail)})";
            Stop(process);
            return (null, why);
        }
        return (new PeerProcess(process, ReadInfo(hello), tail), null);
    }

    /// <summary>Runs one of the peer's cases <paramref name="count"/> times; its own timings, in ms.</summary>
    public IReadOnlyList<double> Run(string caseName, int count)
    {
        _process.StandardInput.WriteLine($"run {caseName} {count}");
        _process.StandardInput.Flush();
        var line = _process.StandardOutput.ReadLine()
                   ?? throw new InvalidOperationException($"the peer ended while running {caseName}{StderrSummary(_process, _stderrTail)}");
        using var doc = TryParse(line) ?? throw new InvalidOperationException($"the peer answered '{line}' to {caseName}");
        if (doc.RootElement.TryGetProperty("error", out var error))
            throw new InvalidOperationException($"the peer failed on {caseName}: {error.GetString()}");
        return doc.RootElement.GetProperty("ms").EnumerateArray().Select(e => e.GetDouble()).ToList();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine("quit");
                _process.StandardInput.Flush();
            }
        }
        catch (IOException) { } // already gone
        Stop(_process);
    }

    private static void Stop(Process process)
    {
        if (!process.WaitForExit(5000)) process.Kill();
        process.Dispose();
    }

    private static JsonDocument? TryParse(string line)
    {
        try { return JsonDocument.Parse(line); }
        catch (JsonException) { return null; }
    }

    private static string StderrSummary(Process process, Queue<string> tail)
    {
        process.WaitForExit(2000);
        lock (tail)
            return tail.Count == 0 ? "" : $"; stderr: {string.Join(" | ", tail.TakeLast(3))}";
    }

    private static PeerInfo ReadInfo(JsonElement hello) => new(
        hello.GetProperty("torch").GetString()!,
        hello.GetProperty("functorch").GetString()!,
        hello.GetProperty("python").GetString()!,
        hello.GetProperty("machine").GetString()!,
        hello.GetProperty("threads").GetInt32(),
        hello.GetProperty("cases").EnumerateArray().Select(e => e.GetString()!).ToList(),
        hello.GetProperty("parameters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64()));
}
