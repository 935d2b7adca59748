using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace NtkRepro.Cli.Commands;

/// <summary>
/// Range rules on option values, checked while the command line is parsed, so a bad value fails
/// before any work with one line naming the option and the value as typed ("--width 0: must be at least 1").
/// </summary>
public static class OptionRules
{
    public static Option<int> AtLeast(this Option<int> option, int min) =>
        option.Rule(v => v >= min, $"must be at least {min}");

    public static Option<int?> AtLeast(this Option<int?> option, int min) =>
        option.Rule(v => v is null || v >= min, $"must be at least {min}");

    public static Option<double> Positive(this Option<double> option) =>
        option.Rule(v => v > 0 && double.IsFinite(v), "must be a positive number");

    public static Option<double?> Positive(this Option<double?> option) =>
        option.Rule(v => v is null || (v > 0 && double.IsFinite(v.Value)), "must be a positive number");

    public static Option<double> NotNegative(this Option<double> option) =>
        option.Rule(v => v >= 0 && double.IsFinite(v), "must not be negative");

    public static Option<double?> NotNegative(this Option<double?> option) =>
        option.Rule(v => v is null || (v >= 0 && double.IsFinite(v.Value)), "must not be negative");

    /// <summary>An L∞ radius in units of 1/255: a perturbation must move pixels, and cannot exceed the pixel range.</summary>
    public static Option<double> Radius255(this Option<double> option) =>
        option.Rule(v => v > 0 && v <= 255, "must lie in (0, 255] (units of 1/255)");

    /// <summary>A folder to write into or read from: an existing file of that name is an error, not something to overwrite or misread.</summary>
    public static Option<T> Folder<T>(this Option<T> option) where T : class? =>
        option.Rule(v => v is not string path || !File.Exists(path), "is a file; expected a folder");

    private static Option<T> Rule<T>(this Option<T> option, Func<T, bool> holds, string what)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0) return; // the default value, which the code chooses
            T value;
            try { value = result.GetValueOrDefault<T>(); }
            catch (InvalidOperationException) { return; } // not a value of the type at all: the parser has said so
            if (!holds(value!)) result.AddError($"{result.IdentifierToken?.Value ?? option.Name} {Typed(result, value)}: {what}");
        });
        return option;
    }

    private static string Typed<T>(OptionResult result, T value) =>
        result.Tokens.Count == 1 ? result.Tokens[0].Value : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}
