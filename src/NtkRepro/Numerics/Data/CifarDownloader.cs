using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace NtkRepro.Numerics.Data;

/// <summary>Fetches the official CIFAR binary archives (where the machine is online) and unpacks them.</summary>
public static class CifarDownloader
{
    public sealed record Archive(string Url, string Md5, string Folder);

    public static readonly IReadOnlyDictionary<string, Archive> Archives = new Dictionary<string, Archive>
    {
        [CifarSource.Cifar10] = new("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530", "cifar-10-batches-bin"),
        [CifarSource.Cifar100] = new("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz", "03b5dce01913d631647c71ecec9e9cb8", "cifar-100-binary"),
    };

    public static async Task DownloadAsync(string name, string root, Action<string> log, CancellationToken cancel = default)
    {
        if (!Archives.TryGetValue(name, out var archive))
            throw new ArgumentException($"unknown dataset '{name}' (known: {string.Join(", ", Archives.Keys)})");
        Directory.CreateDirectory(root);
        var file = Path.Combine(root, Path.GetFileName(new Uri(archive.Url).LocalPath));
        if (!File.Exists(file) || DataInventory.HashFile(file, MD5.Create()) != archive.Md5)
        {
            log($"downloading {archive.Url}");
            var partial = file + ".partial";
            using (var http = new HttpClient { Timeout = TimeSpan.FromMinutes(30) })
            using (var response = await http.GetAsync(archive.Url, HttpCompletionOption.ResponseHeadersRead, cancel))
            {
                response.EnsureSuccessStatusCode();
                await using var output = File.Create(partial);
                await response.Content.CopyToAsync(output, cancel);
            }
            var md5 = DataInventory.HashFile(partial, MD5.Create());
            if (md5 != archive.Md5)
            {
                File.Delete(partial);
                throw new InvalidDataException($"{archive.Url}: md5 {md5} does not match the published {archive.Md5}");
            }
            File.Move(partial, file, overwrite: true);
        }
        log($"unpacking {file} into {root}");
        await using var gz = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
        using var tar = new TarReader(gz);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
            var target = Path.GetFullPath(Path.Combine(root, entry.Name));
            if (!target.StartsWith(Path.GetFullPath(Path.Combine(root, archive.Folder)) + Path.DirectorySeparatorChar))
                throw new InvalidDataException($"{file}: unexpected entry {entry.Name}");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            entry.ExtractToFile(target, overwrite: true);
        }
    }
}
