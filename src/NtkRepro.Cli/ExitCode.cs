namespace NtkRepro.Cli;

/// <summary>What ntkrepro's exit status means (README, "Exit codes").</summary>
public enum ExitCode
{
    /// <summary>The command did what it was asked.</summary>
    Success = 0,

    /// <summary>The work ran, but a check failed: an attack's sanity or masking check, a baseline mismatch.</summary>
    CheckFailed = 1,

    /// <summary>
    /// Nothing was (or could be) done as asked: bad arguments (an unknown option, command or preset,
    /// a bad option value, a missing argument) or unusable input (a missing or malformed file or
    /// folder, an unavailable device). The reason, naming the value or file, is one line on stderr.
    /// </summary>
    UsageOrInput = 2,
}
