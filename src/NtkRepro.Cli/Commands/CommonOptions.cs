using System.CommandLine;
using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Native;
using NtkRepro.Numerics.Util;
using TorchSharp;

namespace NtkRepro.Cli.Commands;

/// <summary>Options shared by several commands.</summary>
public static class CommonOptions
{
    public static Option<string?> Data() => new("--data")
    {
        Description = $"Data root folder (default: ${NtkRepro.Numerics.Data.DataRoot.EnvironmentVariable}, else ../shared/data beside the repository)",
    };

    public static Option<string> Device() => new("--device")
    {
        Description = "Device: cpu, cuda or cuda:<index>; an unavailable device is an error, never a fallback",
        DefaultValueFactory = _ => "cpu",
    };

    public static Option<int?> Threads() => new Option<int?>("--threads")
    {
        Description = "CPU threads for libtorch (figures are reproducible for a fixed count)",
    }.AtLeast(1);

    public static Option<double> Epsilon(string what) => new Option<double>("--epsilon")
    {
        Description = $"{what} L∞ radius in units of 1/255 (4 or 8 in the paper)",
        DefaultValueFactory = _ => 4,
    }.Radius255();

    public static Option<int> Steps(string what, int defaultSteps) => new Option<int>("--pgd-steps")
    {
        Description = $"{what} PGD steps (step size ε/{(defaultSteps == 100 ? 50 : 10)} by default)",
        DefaultValueFactory = _ => defaultSteps,
    }.AtLeast(1);

    public static Option<double?> StepSize() => new Option<double?>("--pgd-step-size")
    {
        Description = "PGD step size in units of 1/255 (default: ε/10 for training, ε/50 for evaluation)",
    }.Positive();

    /// <summary>An enum option that accepts kebab-case values (tangent-propagation) as well as the names.</summary>
    public static Option<T> Enum<T>(string name, string description, T defaultValue) where T : struct, System.Enum
    {
        var values = System.Enum.GetValues<T>().ToDictionary(v => Kebab(v.ToString()), v => v);
        return new Option<T>(name)
        {
            Description = $"{description} ({string.Join(", ", values.Keys)})",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result =>
            {
                var token = result.Tokens.Single().Value;
                var key = Kebab(token);
                if (values.TryGetValue(key, out var v)) return v;
                result.AddError($"{name} {token}: expected one of {string.Join(", ", values.Keys)}");
                return defaultValue;
            },
        };
    }

    private static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 && name[i - 1] != '-' ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>The native libtorch checked (loads, release), then device and thread settings, before any work.</summary>
    public static torch.Device Setup(string device, int? threads)
    {
        Libtorch.CheckExternalLoads();
        Devices.SetThreads(threads);
        if (Libtorch.VersionWarning() is { } warning) Console.Error.WriteLine(warning);
        return Devices.Parse(device);
    }

    public static PgdConfig Pgd(double epsilon255, int steps, double? stepSize255, double defaultDivisor)
    {
        double eps = epsilon255 / 255.0;
        var config = new PgdConfig(eps, steps, stepSize255 is { } s ? s / 255.0 : eps / defaultDivisor);
        config.Validate();
        return config;
    }

    public static IReadOnlyList<double> ParseEpochs(string text, Func<IReadOnlyList<double>> all)
    {
        if (text.Trim() == "all") return all();
        try
        {
            return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        }
        catch (FormatException)
        {
            throw new ArgumentException($"epochs '{text}': expected 'all' or a comma-separated list such as 0,0.5,1,2");
        }
    }
}
