using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Experiments;

namespace NtkRepro.Cli.Commands;

/// <summary>How a run of steps ends: <see cref="Cli.ExitCode.CheckFailed"/> when a step's output failed an attack sanity or masking check (listed), success otherwise.</summary>
public static class ChecksOutcome
{
    public static Cli.ExitCode ExitCode(IReadOnlyList<FailedStepChecks> failed, IProgressSink progress)
    {
        if (failed.Count == 0) return Cli.ExitCode.Success;
        progress.Log($"{failed.Count} step(s) failed a check (exit code 1):");
        foreach (var f in failed) progress.Log($"  {f.Step}: {string.Join("; ", f.Checks)}");
        return Cli.ExitCode.CheckFailed;
    }
}
