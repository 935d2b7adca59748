using NtkRepro.Numerics.Util;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>
/// Who computes a step now: an exclusive lock on locks/&lt;key&gt;.lock in the store, held while
/// the step computes. It is the operating system's advisory file lock (flock on Linux, which .NET
/// takes for FileShare.None), so the kernel releases it when its process ends, however it ends
/// (kill -9 included), and no stale lock is ever left to clean up. Lock files stay (removing one
/// while another process waits on it would let two processes hold "the" lock).
/// </summary>
public sealed class StepLock : IDisposable
{
    private readonly FileStream _file;

    private StepLock(FileStream file) => _file = file;

    public static string PathOf(ArtifactStore store, string key) => Path.Combine(store.Root, "locks", key.Replace('/', '~') + ".lock");

    /// <summary>The lock, or null while another process (or another handle in this one) holds it.</summary>
    public static StepLock? TryAcquire(ArtifactStore store, string key)
    {
        var path = PathOf(store, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            return new StepLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
    }

    /// <summary>Waits (saying so once) until no other process computes the step, then holds its lock.</summary>
    public static StepLock Acquire(ArtifactStore store, string key, IProgressSink progress, TimeSpan? poll = null)
    {
        bool said = false;
        while (true)
        {
            if (TryAcquire(store, key) is { } held) return held;
            if (!said) progress.Log($"waiting: {key} is being computed by another process (lock {PathOf(store, key)})");
            said = true;
            Thread.Sleep(poll ?? TimeSpan.FromMilliseconds(500));
        }
    }

    public void Dispose() => _file.Dispose();
}
