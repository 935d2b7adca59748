using System.Collections.Concurrent;
using System.Diagnostics;
using NtkRepro.Pipeline.Benchmarks;
using TorchSharp;
using Xunit;

namespace NtkRepro.Tests.Infrastructure;

/// <summary>What a test needs of the machine beyond the build: each is checked here and, when missing, named in one line.</summary>
[Flags]
public enum TestRequirement
{
    None = 0,
    /// <summary>A CUDA device.</summary>
    Cuda = 1 << 0,
    /// <summary>CIFAR-10 in the data root: the subset or the full download.</summary>
    Cifar10 = 1 << 1,
    /// <summary>The full official CIFAR-10 download in the data root.</summary>
    FullCifar10 = 1 << 2,
    /// <summary>The PyTorch peer of the benchmark: the default python3 imports torch.</summary>
    PyTorchPeer = 1 << 3,
    /// <summary>An executable <c>#!/bin/sh</c> script runs (not Windows).</summary>
    PosixShell = 1 << 4,
    /// <summary><c>/bin/bash</c>.</summary>
    Bash = 1 << 5,
    /// <summary>Linux's <c>/proc/cpuinfo</c>.</summary>
    ProcCpuInfo = 1 << 6,
    /// <summary>The system's libstdc++.so.6 at a known path (<see cref="TestEnvironment.LibStdCxx"/>).</summary>
    SystemLibStdCxx = 1 << 7,
    /// <summary>glibc's malloc, whose bytes in use <see cref="NativeFootprint.NativeHeapInUseBytes"/> reads.</summary>
    GlibcMalloc = 1 << 8,
    /// <summary>The official CIFAR-100 download in the data root.</summary>
    Cifar100 = 1 << 9,
    /// <summary>util-linux's <c>flock</c> command (the advisory lock .NET takes for FileShare.None), to hold a lock from another process.</summary>
    Flock = 1 << 10,
}

/// <summary>Checks <see cref="TestRequirement"/>s against this machine.</summary>
public static class TestEnvironment
{
    // Checked once per process: the attributes ask at discovery, once per test.
    private static readonly ConcurrentDictionary<TestRequirement, string?> Checked = new();

    /// <summary>Why the requirements are not met here (one line per missing one, joined by "; "), or null when they are.</summary>
    public static string? Missing(TestRequirement requirements)
    {
        var reasons = Enum.GetValues<TestRequirement>()
            .Where(r => r != TestRequirement.None && requirements.HasFlag(r))
            .Select(r => Checked.GetOrAdd(r, Check))
            .OfType<string>()
            .Distinct() // FullCifar10 and Cifar10 give the same reason where there is none at all
            .ToList();
        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }

    /// <summary>Skips the running test (a SkippableFact or SkippableTheory) when the requirements are not met here.</summary>
    public static void SkipUnless(TestRequirement requirements)
    {
        var reason = Missing(requirements);
        Skip.If(reason != null, reason);
    }

    /// <summary>The system's libstdc++, where it is at a known path.</summary>
    public static string? LibStdCxx =>
        new[] { "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }.FirstOrDefault(File.Exists);

    private static string? Check(TestRequirement requirement) => requirement switch
    {
        TestRequirement.Cuda => torch.cuda.is_available() ? null
            : "needs a CUDA GPU: none is available (build with -p:TorchBackend=cuda on a GPU machine)",
        TestRequirement.Cifar10 => TestData.MissingCifar10Reason(full: false),
        TestRequirement.FullCifar10 => TestData.MissingCifar10Reason(full: true),
        TestRequirement.Cifar100 => TestData.MissingCifar100Reason(),
        TestRequirement.PyTorchPeer => MissingPeer(),
        TestRequirement.PosixShell => OperatingSystem.IsWindows() ? "needs a POSIX shell to run a #!/bin/sh script: this is Windows" : null,
        TestRequirement.Bash => File.Exists("/bin/bash") ? null : "needs bash: /bin/bash not found",
        TestRequirement.ProcCpuInfo => File.Exists("/proc/cpuinfo") ? null : "needs /proc/cpuinfo (Linux)",
        TestRequirement.SystemLibStdCxx => LibStdCxx is null ? "no libstdc++.so.6 at a known path" : null,
        TestRequirement.Flock => File.Exists("/usr/bin/flock") || File.Exists("/bin/flock") ? null : "needs util-linux's flock command: not found in /usr/bin or /bin",
        TestRequirement.GlibcMalloc => NativeFootprint.NativeHeapInUseBytes() is null ? "needs glibc's malloc (mallinfo2) to read the native heap" : null,
        _ => throw new ArgumentOutOfRangeException(nameof(requirement), requirement, "not a single requirement"),
    };

    private static string? MissingPeer()
    {
        var python = PeerOptions.DefaultPython;
        if (!File.Exists(python)) return $"needs the PyTorch peer: {python} not found";
        if (PeerOptions.DefaultScript() is null) return $"needs the PyTorch peer: {PeerOptions.ScriptInRepository} not found in this checkout";
        try
        {
            using var p = Process.Start(new ProcessStartInfo(python, ["-c", "import torch"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            if (!p.WaitForExit(60_000)) { p.Kill(); return $"needs the PyTorch peer: {python} -c 'import torch' did not finish in a minute"; }
            return p.ExitCode == 0 ? null : $"needs the PyTorch peer: torch is not importable under {python} (Debian: apt install python3-torch)";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"needs the PyTorch peer: {python} could not be started: {e.Message}";
        }
    }
}
