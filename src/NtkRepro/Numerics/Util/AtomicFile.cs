using System.Text;
using System.Text.Json;

namespace NtkRepro.Numerics.Util;

/// <summary>
/// Writes files so that a reader never sees a partial one: the content goes to a temporary file
/// in the same folder, is flushed to disk, then renamed over the target.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = $"{full}.{Environment.ProcessId}.{Guid.NewGuid():N}.partial";
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, s => { var b = Encoding.UTF8.GetBytes(text); s.Write(b, 0, b.Length); });

    public static void WriteJson<T>(string path, T value) => WriteAllText(path, Json.Serialize(value));
}

/// <summary>The project's one JSON convention: indented, camelCase, enums as strings.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options) + "\n";

    /// <summary>An enum value as this convention writes it (kebab-case).</summary>
    public static string EnumName<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    public static T Deserialize<T>(string text, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, Options)
                   ?? throw new InvalidDataException($"{source}: empty JSON document");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: invalid JSON ({e.Message})", e);
        }
    }

    public static T Read<T>(string path) => Deserialize<T>(File.ReadAllText(path), path);
}
