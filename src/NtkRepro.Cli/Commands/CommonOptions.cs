using System.CommandLine;

namespace NtkRepro.Cli.Commands;

/// <summary>Options shared by several commands.</summary>
public static class CommonOptions
{
    public static Option<string?> Data() => new("--data")
    {
        Description = $"Data root folder (default: ${NtkRepro.Data.DataRoot.EnvironmentVariable}, else ../shared/data beside the repository)",
    };

    public static Option<string> Device() => new("--device")
    {
        Description = "Device: cpu, cuda or cuda:<index>; an unavailable device is an error",
        DefaultValueFactory = _ => "cpu",
    };

    public static Option<int?> Threads() => new("--threads")
    {
        Description = "CPU threads for libtorch (figures are reproducible for a fixed count)",
    };
}
