using System.Globalization;

namespace NtkRepro.Numerics.Util;

public static class Epochs
{
    /// <summary>How an epoch (fractional allowed) is written in file names, keys, figure names and reports: 15, 0.25, 1.5.</summary>
    public static string Name(double epoch) => epoch.ToString("0.###", CultureInfo.InvariantCulture);
}
