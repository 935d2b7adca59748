namespace NtkRepro.Numerics.Util;

/// <summary>Where long-running work reports what it is doing.</summary>
public interface IProgressSink
{
    /// <summary>Progress of a task: done of total units, with a short detail (loss, accuracy...).</summary>
    void Report(string task, long done, long total, string detail);

    /// <summary>A line worth keeping in the log.</summary>
    void Log(string line);
}

/// <summary>Discards progress; for tests and library callers that do not care.</summary>
public sealed class NullProgress : IProgressSink
{
    public static readonly NullProgress Instance = new();
    public void Report(string task, long done, long total, string detail) { }
    public void Log(string line) { }
}

/// <summary>
/// Plain text for logs and pipes: one line per logged event, and a progress line (with ETA) at
/// most every <c>interval</c> per task.
/// </summary>
public sealed class PlainProgress : IProgressSink
{
    private readonly TextWriter _out;
    private readonly TimeSpan _interval;
    private readonly Dictionary<string, (DateTime Start, DateTime Last)> _tasks = new();
    private readonly object _gate = new();

    public PlainProgress(TextWriter output, TimeSpan? interval = null)
    {
        _out = output;
        _interval = interval ?? TimeSpan.FromSeconds(10);
    }

    public void Report(string task, long done, long total, string detail)
    {
        lock (_gate)
        {
            var now = DateTime.UtcNow;
            if (!_tasks.TryGetValue(task, out var t)) _tasks[task] = t = (now, DateTime.MinValue);
            bool finished = done >= total;
            if (!finished && now - t.Last < _interval) return;
            _tasks[task] = (t.Start, now);
            _out.WriteLine($"{task}: {done}/{total} {detail} {Eta.Format(now - t.Start, done, total)}".TrimEnd());
            if (finished) _tasks.Remove(task);
        }
    }

    public void Log(string line)
    {
        lock (_gate) _out.WriteLine(line);
    }
}

public static class Eta
{
    public static string Format(TimeSpan elapsed, long done, long total)
    {
        if (done <= 0 || total <= 0) return "";
        if (done >= total) return $"(done in {Short(elapsed)})";
        var remaining = TimeSpan.FromTicks((long)(elapsed.Ticks * (double)(total - done) / done));
        return $"(elapsed {Short(elapsed)}, ETA {Short(remaining)})";
    }

    public static string Short(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s" : $"{t.TotalSeconds:F0}s";
}
