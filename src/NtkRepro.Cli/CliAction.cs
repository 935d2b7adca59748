namespace NtkRepro.Cli;

/// <summary>
/// Runs a command body: expected failures (bad arguments, bad data) end with a one-line reason
/// on stderr and exit code 1, never a stack trace.
/// </summary>
public static class CliAction
{
    public static int Run(TextWriter error, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or InvalidOperationException or UnauthorizedAccessException or HttpRequestException)
        {
            error.WriteLine($"ntkrepro: error: {e.Message}");
            return 1;
        }
    }
}
