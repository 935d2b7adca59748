using System.Security.Cryptography;
using System.Text;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Native;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Judgement.Baselines;

/// <summary>
/// What determines a run's bits: the machine line its steps ran under (CPU model and instruction
/// sets, threads, oneDNN ISA, convolution route, allocator; the libtorch folder left out), the TorchSharp and libtorch builds,
/// the data files' checksums and the preset's configuration (the hash of its serialized definition). Two runs with equal fingerprints are bit-identical; any
/// difference in a figure is then a change in the code.
/// </summary>
public sealed record Fingerprint(string Machine, string TorchSharp, string Libtorch, string Data, string Configuration)
{
    /// <summary>
    /// The fingerprint of a store's results, read in this process (the versions are this build's),
    /// for the preset that produced them (by default the shipped preset of that name).
    /// </summary>
    public static Fingerprint Of(ReproductionResults r, Preset? preset = null)
    {
        preset ??= Known(r.Preset);
        static List<string> Lines(IEnumerable<StepTiming> timings) =>
            timings.Select(t => MachineDescription.WithoutLibtorch(t.Machine)).Distinct().Order(StringComparer.Ordinal).ToList();
        var computed = Lines(r.Timings.Where(t => !t.Cached));
        var machines = computed.Count > 0 ? computed : Lines(r.Timings);
        string machine = machines.Count switch
        {
            0 => "no step timed",
            1 => machines[0],
            _ => "mixed: " + string.Join(" | ", machines),
        };
        return new Fingerprint(machine, TorchSharpVersion(), LibtorchBuild(), DataChecksums(preset, r.Preset), ConfigurationHash(preset, r.Preset));
    }

    /// <summary>The parts that differ, named, or empty when the two are equal.</summary>
    public IReadOnlyList<string> DifferencesFrom(Fingerprint other)
    {
        var d = new List<string>();
        if (Machine != other.Machine) d.Add("machine");
        if (TorchSharp != other.TorchSharp) d.Add("TorchSharp");
        if (Libtorch != other.Libtorch) d.Add("libtorch");
        if (Data != other.Data) d.Add("data");
        if (Configuration != other.Configuration) d.Add("configuration");
        return d;
    }

    public override string ToString() => $"{Machine}; TorchSharp {TorchSharp}; {Libtorch}; data {Data}; configuration {Configuration}";

    private static string TorchSharpVersion() =>
        typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The libtorch package this process resolved, or for the external backend the release it loaded.</summary>
    private static string LibtorchBuild() =>
        NtkRepro.Numerics.Native.Libtorch.PackageEntry() ?? (NtkRepro.Numerics.Native.Libtorch.Loaded() is { } l ? $"external libtorch {l.Version ?? "of unknown version"}" : "libtorch unknown");

    /// <summary>SHA-256 of the data files the preset reads; synthetic data has none.</summary>
    private static string DataChecksums(Preset? preset, string presetName)
    {
        if (preset is null) return $"unknown preset '{presetName}'";
        var datasets = preset.Variants.Select(v => v.Dataset).Distinct().Where(d => !DatasetLoader.IsSynthetic(d)).ToList();
        if (datasets.Count == 0) return "synthetic";
        var root = DataRoot.Resolve();
        var parts = new List<string>();
        foreach (var name in datasets)
        {
            var source = root is null ? null : CifarSource.Find(root.Path, name);
            parts.Add(source is null ? $"{name}: not found"
                : $"{name}: " + string.Join(", ", source.Train.Concat(source.Test).Select(f => $"{Path.GetFileName(f.Path)} {Hash(f.Path)}")));
        }
        return string.Join("; ", parts);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, long, DateTime), string> Hashes = new();

    private static string Hash(string path)
    {
        var info = new FileInfo(path);
        return Hashes.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc), _ => DataInventory.HashFile(path, SHA256.Create())[..16]);
    }

    private static Preset? Known(string name) => Presets.All.FirstOrDefault(p => p.Name == name);

    private static string ConfigurationHash(Preset? preset, string presetName)
    {
        if (preset is null) return $"unknown preset '{presetName}'";
        var text = NtkRepro.Numerics.Util.Json.Serialize(preset);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}
