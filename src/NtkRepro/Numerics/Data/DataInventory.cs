using System.Security.Cryptography;

namespace NtkRepro.Numerics.Data;

/// <summary>What a data root holds, file by file, with checksum verification.</summary>
public static class DataInventory
{
    public sealed record FileReport(DataFile File, long Bytes, int Records, int[] PerClass, string Checksum, bool Ok, string? Error);

    public sealed record SourceReport(CifarSource Source, IReadOnlyList<FileReport> Files)
    {
        public bool Ok => Files.All(f => f.Ok);
    }

    public static IReadOnlyList<SourceReport> Inspect(string root) =>
        CifarSource.FindAll(root).Select(s => new SourceReport(s, s.Files.Select(f => InspectFile(f, s.Format)).ToList())).ToList();

    public static FileReport InspectFile(DataFile file, CifarFormat format)
    {
        long bytes = new FileInfo(file.Path).Length;
        try
        {
            var raw = CifarReader.ReadRaw(file.Path, format);
            var perClass = new int[format.Classes];
            foreach (var l in raw.Labels) perClass[l]++;
            var (checksum, ok) = VerifyChecksum(file);
            return new FileReport(file, bytes, raw.Count, perClass, checksum, ok, null);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return new FileReport(file, bytes, 0, [], "not checked", false, e.Message);
        }
    }

    private static (string, bool) VerifyChecksum(DataFile file)
    {
        if (file.Sha256 is { } sha)
        {
            var got = HashFile(file.Path, SHA256.Create());
            return got == sha ? ($"sha256 ok", true) : ($"sha256 MISMATCH: expected {sha}, got {got}", false);
        }
        if (file.Md5 is { } md5)
        {
            var got = HashFile(file.Path, MD5.Create());
            return got == md5 ? ($"md5 ok", true) : ($"md5 MISMATCH: expected {md5}, got {got}", false);
        }
        return ("no published checksum", true);
    }

    public static string HashFile(string path, HashAlgorithm algorithm)
    {
        using (algorithm)
        using (var s = File.OpenRead(path))
            return Convert.ToHexStringLower(algorithm.ComputeHash(s));
    }
}
