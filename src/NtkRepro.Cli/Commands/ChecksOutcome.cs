using NtkRepro.Experiments;
using NtkRepro.Util;

namespace NtkRepro.Cli.Commands;

/// <summary>How a run of steps ends: 1 when a step's output failed an attack sanity or masking check (listed), 0 otherwise.</summary>
public static class ChecksOutcome
{
    public static int ExitCode(IReadOnlyList<FailedStepChecks> failed, IProgressSink progress)
    {
        if (failed.Count == 0) return 0;
        progress.Log($"{failed.Count} step(s) failed a check (exit code 1):");
        foreach (var f in failed) progress.Log($"  {f.Step}: {string.Join("; ", f.Checks)}");
        return 1;
    }
}
