using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NtkRepro.Numerics.Native;

/// <summary>Where the native libtorch comes from: a package the build references, or none (a folder on LD_LIBRARY_PATH).</summary>
public enum TorchBackend
{
    /// <summary>The libtorch-cpu package, copied into the build output.</summary>
    Cpu,
    /// <summary>The libtorch-cuda package (a GPU machine with internet access).</summary>
    Cuda,
    /// <summary>No package: the dynamic loader finds libtorch on LD_LIBRARY_PATH (a libtorch folder, or PyTorch's torch/lib).</summary>
    External,
}

/// <summary>The libtorch this process loaded: its file, its version (or why it is not known) and how it was found.</summary>
public sealed record LoadedLibtorch(string Path, string? Version, string Source)
{
    public bool IsBuiltAgainstVersion => Version is { } v && Libtorch.SameRelease(v, Libtorch.BuiltAgainst);

    public override string ToString() => $"{Version ?? "version unknown"} at {System.IO.Path.GetDirectoryName(Path)} ({Source})";
}

/// <summary>
/// Finds, checks and describes the native libtorch. TorchSharp 0.107's shim imports about 1,300 C++
/// symbols of libtorch 2.10.0; against another release one of them may be missing (the load fails
/// at start or at first call) or mean something else. Hence the external backend checks, before
/// any work, that libtorch and the shim load (naming the missing library or symbol if not) and says
/// plainly when the version is not 2.10.0; every backend reports the loaded file and version in the
/// machine line.
/// </summary>
public static class Libtorch
{
    /// <summary>The libtorch release TorchSharp 0.107 was built against (Directory.Packages.props pins the same).</summary>
    public const string BuiltAgainst = "2.10.0";
    public const string CpuLibrary = "libtorch_cpu.so";
    public const string CudaLibrary = "libtorch_cuda.so";
    public const string PathVariable = "LD_LIBRARY_PATH";

    public static TorchBackend Backend { get; } = ReadBackend();

    private static TorchBackend ReadBackend()
    {
        var value = typeof(Libtorch).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "TorchBackend")?.Value;
        return Enum.TryParse<TorchBackend>(value, ignoreCase: true, out var b) ? b : TorchBackend.Cpu;
    }

    /// <summary>"2.10.0+cu128" and "2.10.0" are the same release; "2.10.1" and "2.11.0" are not.</summary>
    public static bool SameRelease(string version, string release) =>
        Regex.Match(version, @"^\d+\.\d+\.\d+").Value == release;

    private static LoadedLibtorch? _loaded;

    /// <summary>The libtorch_cpu.so mapped into this process (null before libtorch is loaded); found once, as every step's machine line asks again.</summary>
    public static LoadedLibtorch? Loaded() => _loaded ??= Find();

    private static LoadedLibtorch? Find()
    {
        var path = MappedFile(CpuLibrary);
        if (path is null) return null;
        var dir = System.IO.Path.GetDirectoryName(path)!;
        return Backend == TorchBackend.External
            ? new LoadedLibtorch(path, VersionOfFile(path) ?? VersionOfFolder(dir), $"external, from {PathVariable} or the loader's cache")
            : new LoadedLibtorch(path, PackageVersion(), $"the {PackageName() ?? "libtorch"} package");
    }

    /// <summary>True when the CUDA part of libtorch is mapped into this process.</summary>
    public static bool CudaLoaded => MappedFile(CudaLibrary) is not null;

    /// <summary>The libtorch part of the machine line, with a warning when the release is not the one TorchSharp was built against.</summary>
    public static string Describe()
    {
        var loaded = Loaded();
        if (loaded is null) return "not loaded";
        return loaded.IsBuiltAgainstVersion ? loaded.ToString() : $"{loaded} — NOT {BuiltAgainst}, the release TorchSharp 0.107 was built against";
    }

    /// <summary>The warning to print before any work when the loaded release is not the one TorchSharp was built against; null when it is.</summary>
    public static string? VersionWarning()
    {
        var loaded = Loaded();
        if (loaded is null || loaded.IsBuiltAgainstVersion) return null;
        return $"warning: libtorch {loaded.Version ?? "of unknown version"} at {System.IO.Path.GetDirectoryName(loaded.Path)} is not {BuiltAgainst}, " +
               $"the release TorchSharp 0.107 was built against: a C++ symbol its shim imports may be missing (an error at load or at first call) " +
               $"or behave differently, and no figure is comparable bit for bit with a 2.10.0 run. ci/gpu-smoke/run.sh lists the missing symbols.";
    }

    /// <summary>The version in a versioned library name (libtorch_cpu.so.1.13.0, as Linux distributions install it), else null.</summary>
    public static string? VersionOfFile(string path) =>
        Regex.Match(System.IO.Path.GetFileName(path), @"\.so\.(\d+\.\d+\.\d+)$") is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>
    /// The version of a libtorch folder (its lib/ directory), from what its distributions put beside
    /// it: libtorch's build-version, PyTorch's torch/version.py, or a NuGet package's nuspec.
    /// </summary>
    public static string? VersionOfFolder(string libDir)
    {
        var parent = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(libDir).TrimEnd('/'));
        if (parent is null) return null;
        var buildVersion = System.IO.Path.Combine(parent, "build-version");
        if (File.Exists(buildVersion)) return File.ReadAllText(buildVersion).Trim();
        var versionPy = System.IO.Path.Combine(parent, "version.py");
        if (File.Exists(versionPy))
        {
            var m = Regex.Match(File.ReadAllText(versionPy), @"__version__\s*=\s*['""]([^'""]+)['""]");
            if (m.Success) return m.Groups[1].Value;
        }
        // runtimes/linux-x64/native inside a NuGet package: <package>/<version>/runtimes/<rid>/native
        var package = System.IO.Path.GetFullPath(System.IO.Path.Combine(libDir, "..", "..", ".."));
        foreach (var nuspec in Directory.Exists(package) ? Directory.EnumerateFiles(package, "*.nuspec") : [])
        {
            var m = Regex.Match(File.ReadAllText(nuspec), @"<version>([^<]+)</version>");
            if (m.Success) return m.Groups[1].Value;
        }
        return null;
    }

    private static readonly Lazy<string?> Package = new(ReadPackageEntry);

    /// <summary>The libtorch package this process resolved, from its dependency manifest (the native files carry no version): "name/version".</summary>
    public static string? PackageEntry() => Package.Value;

    private static string? ReadPackageEntry()
    {
        var files = (AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string)?.Split(System.IO.Path.PathSeparator) ?? [];
        foreach (var path in files.Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.deps.json").Order(StringComparer.Ordinal)).Where(File.Exists))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (!doc.RootElement.TryGetProperty("libraries", out var libraries)) continue;
            var names = libraries.EnumerateObject().Select(p => p.Name).Where(n => n.StartsWith("libtorch-", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
            if (names.Count > 0) return string.Join(", ", names);
        }
        return null;
    }

    private static string? PackageName() => PackageEntry()?.Split('/')[0];

    private static string? PackageVersion() => PackageEntry() is { } e && e.Contains('/') ? e.Split('/')[1].Split(',')[0] : null;

    /// <summary>
    /// For the external backend, before any torch call: loads libtorch from the loader's search path
    /// and then the shim, as TorchSharp will, and throws naming what failed (a missing library, an
    /// undefined symbol, the search path) instead of TorchSharp's generic "missing reference".
    /// </summary>
    public static void CheckExternalLoads()
    {
        if (Backend != TorchBackend.External || !OperatingSystem.IsLinux()) return;
        var failure = TryOpen(CpuLibrary);
        if (failure != null)
            throw new LibtorchLoadException(
                $"this build takes libtorch from {PathVariable} (-p:TorchBackend=external), and {CpuLibrary} could not be loaded: {failure}. " +
                $"{PathVariable} is '{CpuRuntimeSetup.NativeGetenv(PathVariable) ?? ""}': put a libtorch {BuiltAgainst} lib/ folder (or PyTorch's torch/lib) on it before starting the program.");
        var shim = TorchNativeSetup.CandidateShimPaths().FirstOrDefault();
        if (shim != null && TryOpen(shim) is { } error)
        {
            var loaded = Loaded();
            throw new LibtorchLoadException(
                $"libtorch {loaded?.Version ?? "of unknown version"} loaded from {System.IO.Path.GetDirectoryName(loaded?.Path) ?? "?"}, " +
                $"but TorchSharp's shim {shim} did not load against it: {error}. " +
                $"The shim is built for libtorch {BuiltAgainst}; another release lacks some of its C++ symbols (ci/gpu-smoke/run.sh lists them).");
        }
    }

    /// <summary>The full path of a shared library mapped into this process whose file name is <paramref name="fileName"/> (or a versioned name of it, libtorch_cpu.so.1.13.0).</summary>
    private static string? MappedFile(string fileName)
    {
        if (!File.Exists("/proc/self/maps")) return null;
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            int slash = line.IndexOf('/');
            if (slash < 0) continue;
            var path = line[slash..].Trim();
            var name = System.IO.Path.GetFileName(path);
            if (name == fileName || name.StartsWith(fileName + ".", StringComparison.Ordinal)) return path;
        }
        return null;
    }

    private const int RtldNow = 0x2, RtldGlobal = 0x100;

    /// <summary>
    /// Loads the library as .NET does (its message carries the loader's reason), then binds every
    /// symbol now (a function missing from libtorch would otherwise fail at its first call); null
    /// on success, else what failed.
    /// </summary>
    private static string? TryOpen(string file)
    {
        try { NativeLibrary.Load(file); }
        catch (DllNotFoundException e) { return LoaderReason(e.Message); }
        if (dlopen(file, RtldNow | RtldGlobal) != IntPtr.Zero) return null;
        return "a symbol it imports is undefined in the libtorch loaded (found on binding all symbols now)";
    }

    /// <summary>The loader's own words, the last line of .NET's message ("file: undefined symbol: X", "libc10.so: cannot open shared object file").</summary>
    private static string LoaderReason(string message) =>
        message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l != ".")?.TrimEnd('.') ?? message;

    [DllImport("libdl.so.2")]
    private static extern IntPtr dlopen(string file, int mode);
}

/// <summary>libtorch or TorchSharp's shim could not be loaded; the message says what failed and what to do.</summary>
public sealed class LibtorchLoadException(string message) : InvalidOperationException(message);
