namespace NtkRepro.Cli;

/// <summary>
/// Runs a command body: expected failures (bad arguments, bad data) end with a one-line reason
/// on stderr and <see cref="ExitCode.UsageOrInput"/>, never a stack trace.
/// </summary>
public static class CliAction
{
    public static int Run(TextWriter error, Func<ExitCode> body)
    {
        try
        {
            return (int)body();
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or InvalidOperationException or UnauthorizedAccessException or HttpRequestException)
        {
            error.WriteLine($"ntkrepro: error: {e.Message}");
            return (int)ExitCode.UsageOrInput;
        }
    }
}
