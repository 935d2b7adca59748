using System.Security.Cryptography;
using NtkRepro.Numerics.Util;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>One file a step wrote: its path relative to the store, size, content hash, and when it was last written (to skip rehashing an untouched file).</summary>
public sealed record ManifestFile(string Path, long Bytes, string Sha256, long WrittenTicks);

/// <summary>
/// What a finished step wrote (as DVC's and Snakemake's records do): every file with its size and
/// SHA-256, in manifests/&lt;key&gt;.json of the store. A step whose files no longer match is not
/// done: a file gone or of another size shows at once, a file rewritten since is rehashed.
/// </summary>
public sealed record StepManifest(string Step, IReadOnlyList<ManifestFile> Files)
{
    public const string Folder = "manifests";

    public static string PathOf(ArtifactStore store, string key) => System.IO.Path.Combine(store.Root, Folder, key.Replace('/', '~') + ".json");

    /// <summary>Records the files (absolute paths inside the store) a step just wrote.</summary>
    public static StepManifest Write(ArtifactStore store, string key, IEnumerable<string> files)
    {
        var manifest = new StepManifest(key, files.Distinct().Order(StringComparer.Ordinal).Select(f => Describe(store, f)).ToList());
        AtomicFile.WriteJson(PathOf(store, key), manifest);
        return manifest;
    }

    /// <summary>The step's manifest, or null where none was written (a step finished before manifests existed, or not finished).</summary>
    public static StepManifest? Read(ArtifactStore store, string key) =>
        File.Exists(PathOf(store, key)) ? Json.Read<StepManifest>(PathOf(store, key)) : null;

    /// <summary>Each recorded file that is missing or differs, in words; <paramref name="deep"/> rehashes every file, otherwise only those written since.</summary>
    public IReadOnlyList<string> Problems(ArtifactStore store, bool deep = false)
    {
        var problems = new List<string>();
        foreach (var f in Files)
        {
            var full = System.IO.Path.Combine(store.Root, f.Path);
            var info = new FileInfo(full);
            if (!info.Exists) problems.Add($"{f.Path}: missing");
            else if (info.Length != f.Bytes) problems.Add($"{f.Path}: {info.Length:N0} bytes, {f.Bytes:N0} when written");
            else if ((deep || info.LastWriteTimeUtc.Ticks != f.WrittenTicks) && Hash(full) != f.Sha256) problems.Add($"{f.Path}: content differs from what the step wrote (SHA-256)");
        }
        return problems;
    }

    /// <summary>
    /// The manifest with the write times of files found intact by rehashing (a copied or moved
    /// store), so that they are not rehashed again; null when there is nothing to update.
    /// </summary>
    public StepManifest? Retimed(ArtifactStore store)
    {
        bool changed = false;
        var files = Files.Select(f =>
        {
            var info = new FileInfo(System.IO.Path.Combine(store.Root, f.Path));
            if (!info.Exists || info.LastWriteTimeUtc.Ticks == f.WrittenTicks) return f;
            changed = true;
            return f with { WrittenTicks = info.LastWriteTimeUtc.Ticks };
        }).ToList();
        return changed ? this with { Files = files } : null;
    }

    /// <summary>Writes the manifest (for <see cref="Retimed"/>).</summary>
    public void Save(ArtifactStore store) => AtomicFile.WriteJson(PathOf(store, Step), this);

    private static ManifestFile Describe(ArtifactStore store, string file)
    {
        var info = new FileInfo(file);
        if (!info.Exists) throw new InvalidOperationException($"{file}: a step's output is missing right after the step ran");
        return new ManifestFile(System.IO.Path.GetRelativePath(store.Root, file).Replace('\\', '/'), info.Length, Hash(file), info.LastWriteTimeUtc.Ticks);
    }

    private static string Hash(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
