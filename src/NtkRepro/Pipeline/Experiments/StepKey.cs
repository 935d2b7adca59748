using System.Security.Cryptography;
using System.Text;
using NtkRepro.Numerics.Util;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>
/// A short, stable key of a step's full configuration, used in folder names so that a changed
/// configuration never reuses a cached result and an unchanged one always does.
/// </summary>
public static class StepKey
{
    public static string Of(params object[] parts)
    {
        var text = string.Join("\n", parts.Select(p => p as string ?? Json.Serialize(p)));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];
    }
}
