using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NtkRepro.Numerics.Native;

/// <summary>
/// Makes TorchSharp's native shim loadable on systems whose libstdc++ is older than the one it
/// was linked against. libLibTorchSharp.so (TorchSharp 0.107) requires GLIBCXX_3.4.32, whose only
/// symbol, std::ios_base_library_init(), nothing relocates against; Debian 12 stops at 3.4.30 and
/// the load then fails with a misleading "missing libtorch reference" message. Marking that one
/// requirement weak (a 2-byte edit of the copy in the build output) lets the loader proceed.
/// Runs once, before any torch call, from this assembly's module initializer; idempotent and a
/// no-op where the system libstdc++ provides the version. It also applies the CPU runtime
/// settings (<see cref="CpuRuntimeSetup"/>), which must precede libtorch's initialisation too.
/// </summary>
public static class TorchNativeSetup
{
    public const string ShimFileName = "libLibTorchSharp.so";
    public const string MissingVersion = "GLIBCXX_3.4.32";
    private const string VersionedSymbol = "_ZSt21ios_base_library_initv";
    private static readonly object Gate = new();
    private static string? _report;

    /// <summary>What the last <see cref="Ensure"/> did, for diagnostics.</summary>
    public static string Report => _report ?? "not run";

#pragma warning disable CA2255 // a module initializer is exactly what is needed: before any torch call
    [ModuleInitializer]
    internal static void OnLoad() => Ensure();
#pragma warning restore CA2255

    public static void Ensure()
    {
        CpuRuntimeSetup.Apply();
        lock (Gate)
        {
            if (_report != null) return;
            if (!OperatingSystem.IsLinux()) { _report = "not Linux: nothing to do"; return; }
            if (SystemProvides(MissingVersion)) { _report = $"system libstdc++ provides {MissingVersion}: nothing to do"; return; }
            var patched = new List<string>();
            foreach (var path in CandidateShimPaths())
                if (PatchFile(path, MissingVersion)) patched.Add(path);
            _report = patched.Count == 0
                ? $"{MissingVersion} already weak in every shim found"
                : $"marked {MissingVersion} weak in {string.Join(", ", patched)}";
        }
    }

    /// <summary>Where the runtime may load the shim from: the app folder and its RID folder.</summary>
    public static IEnumerable<string> CandidateShimPaths()
    {
        var dirs = new HashSet<string> { AppContext.BaseDirectory };
        var torchDir = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location);
        if (!string.IsNullOrEmpty(torchDir)) dirs.Add(torchDir);
        foreach (var dir in dirs)
            foreach (var sub in new[] { "", Path.Combine("runtimes", "linux-x64", "native") })
            {
                var path = Path.Combine(dir, sub, ShimFileName);
                if (File.Exists(path)) yield return Path.GetFullPath(path);
            }
    }

    /// <summary>
    /// Marks <paramref name="version"/> weak in the file; returns true when the file changed.
    /// Written to a temporary file and renamed over the original, so a concurrent loader never
    /// sees a half-written library.
    /// </summary>
    public static bool PatchFile(string path, string version)
    {
        var bytes = File.ReadAllBytes(path);
        bool changed = false;
        foreach (var req in ElfVersionNeed.Read(bytes, path))
            if (req.Version == version) changed |= ElfVersionNeed.MarkWeak(bytes, req);
        if (!changed) return false;
        var tmp = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllBytes(tmp, bytes);
        File.Move(tmp, path, overwrite: true);
        return true;
    }

    /// <summary>True when the process's libstdc++ defines the given symbol version.</summary>
    public static bool SystemProvides(string version)
    {
        if (!NativeLibrary.TryLoad("libstdc++.so.6", out var handle)) return false;
        return dlvsym(handle, VersionedSymbol, version) != IntPtr.Zero;
    }

    [DllImport("libc", EntryPoint = "dlvsym")]
    private static extern IntPtr dlvsym(IntPtr handle, string symbol, string version);
}
