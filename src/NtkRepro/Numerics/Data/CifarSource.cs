namespace NtkRepro.Numerics.Data;

/// <summary>One file a data source is made of, with the reference checksum where one is published.</summary>
public sealed record DataFile(string Path, string Role, string? Sha256 = null, string? Md5 = null);

/// <summary>
/// A CIFAR dataset found in a data root: the official binary download or the project's real-data
/// subset (same record format). Train records are in file order, so "the first m images of each
/// class" is the same set of images in the subset and in the full download.
/// </summary>
public sealed record CifarSource(string Name, CifarFormat Format, IReadOnlyList<DataFile> Train, IReadOnlyList<DataFile> Test, bool IsFull, string Folder)
{
    public const string Cifar10 = "cifar10";
    public const string Cifar100 = "cifar100";

    public IEnumerable<DataFile> Files => Train.Concat(Test);

    private static readonly string[] OfficialCifar10Files =
        [.. Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin"), "test_batch.bin"];
    private static readonly string[] SubsetFiles = ["train_subset.bin.gz", "test_first1000_exact.bin.gz"];
    private static readonly string[] Cifar100Files = ["train.bin", "test.bin"];

    /// <summary>
    /// Every CIFAR source under the root, full downloads first. A folder holding only part of a
    /// source's files is an error naming what is missing, never skipped in favour of another source.
    /// </summary>
    public static IReadOnlyList<CifarSource> FindAll(string root)
    {
        var found = new List<CifarSource>();
        if (FirstComplete(Candidates(root, "cifar-10-batches-bin", "cifar10/cifar-10-batches-bin", "cifar10", ""), OfficialCifar10Files, "official CIFAR-10 download") is { } official)
            found.Add(OfficialCifar10(official));
        if (FirstComplete(Candidates(root, "cifar10", ""), SubsetFiles, "CIFAR-10 subset") is { } subset)
            found.Add(Subset(subset));
        if (FirstComplete(Candidates(root, "cifar-100-binary", "cifar100/cifar-100-binary", "cifar100"), Cifar100Files, "official CIFAR-100 download") is { } dir)
            found.Add(new CifarSource(Cifar100, CifarFormat.Cifar100,
                [new(System.IO.Path.Combine(dir, "train.bin"), "train")],
                [new(System.IO.Path.Combine(dir, "test.bin"), "test")], true, dir));
        return found;
    }

    /// <summary>The first folder holding all <paramref name="files"/>; throws at a folder holding only some.</summary>
    private static string? FirstComplete(IEnumerable<string> folders, string[] files, string what)
    {
        foreach (var dir in folders)
        {
            var missing = files.Where(f => !File.Exists(System.IO.Path.Combine(dir, f))).ToList();
            if (missing.Count == 0) return dir;
            if (missing.Count < files.Length)
                throw new InvalidDataException(
                    $"{string.Join(", ", missing)} missing in {dir} (an incomplete {what}: it holds {string.Join(", ", files.Except(missing))})");
        }
        return null;
    }

    /// <summary>The preferred source of a dataset name (full download over subset), or null.</summary>
    public static CifarSource? Find(string root, string name) =>
        FindAll(root).FirstOrDefault(s => s.Name == name);

    private static IEnumerable<string> Candidates(string root, params string[] subfolders) =>
        subfolders.Select(s => System.IO.Path.GetFullPath(System.IO.Path.Combine(root, s))).Where(Directory.Exists);

    private static CifarSource OfficialCifar10(string dir)
    {
        string[] md5 =
        [
            "5dd7e06a14cb22eb9f671a540d1b7c25", "5ea93a67294ea407fff1d09f752e9692", "942cd6a4bcdd0dd3c604fbe906cb4421",
            "ae636b3ba5c66a11e91e8cb52e771fcb", "53f37980c15c3d472c316c40844f3f0d",
        ];
        var train = Enumerable.Range(1, 5)
            .Select(i => new DataFile(System.IO.Path.Combine(dir, $"data_batch_{i}.bin"), "train", Md5: md5[i - 1]))
            .ToList();
        return new CifarSource(Cifar10, CifarFormat.Cifar10, train,
            [new(System.IO.Path.Combine(dir, "test_batch.bin"), "test")], true, dir);
    }

    private static CifarSource Subset(string dir) => new(Cifar10, CifarFormat.Cifar10,
        [new(System.IO.Path.Combine(dir, "train_subset.bin.gz"), "train (subset: first 1000 per class)",
            Sha256: "c0c243aa3e13e36e15c3751d57998326cff67d653a091dfa68d00e6345dd5f81")],
        [new(System.IO.Path.Combine(dir, "test_first1000_exact.bin.gz"), "test (first 1000 official)",
            Sha256: "481869234567c4835abc7c5f640eb4c2dd6fb841f09ea94a7f989d31f337e06c")],
        false, dir);

    /// <summary>
    /// The first <paramref name="perClass"/> training images of each class in file order (all when
    /// null), in file order.
    /// </summary>
    public LabeledImages LoadTrain(int? perClass = null) =>
        LoadBalancedPrefix(Train, perClass, $"{Name} train{(perClass is { } m ? $" ({m}/class)" : "")}");

    /// <summary>The first <paramref name="count"/> test images in official order (all when null).</summary>
    public LabeledImages LoadTest(int? count = null)
    {
        var raw = Concatenate(Test, count);
        return CifarReader.ToTensors(raw, Format.Classes, $"{Name} test ({raw.Count} images)");
    }

    private LabeledImages LoadBalancedPrefix(IReadOnlyList<DataFile> files, int? perClass, string description)
    {
        var raw = Concatenate(files, null);
        if (perClass is not { } m) return CifarReader.ToTensors(raw, Format.Classes, description);
        var taken = new int[Format.Classes];
        var keep = new List<int>();
        for (int r = 0; r < raw.Count; r++)
            if (taken[raw.Labels[r]]++ < m) keep.Add(r);
        var short_ = Enumerable.Range(0, Format.Classes).Where(c => taken[c] < m).ToList();
        if (short_.Count > 0)
            throw new InvalidDataException(
                $"{Folder}: {m} training images per class requested but class {short_[0]} has only {taken[short_[0]]}");
        var labels = keep.Select(r => raw.Labels[r]).ToArray();
        var pixels = new byte[(long)keep.Count * CifarFormat.PixelBytes];
        for (int i = 0; i < keep.Count; i++)
            Buffer.BlockCopy(raw.Pixels, keep[i] * CifarFormat.PixelBytes, pixels, i * CifarFormat.PixelBytes, CifarFormat.PixelBytes);
        return CifarReader.ToTensors(new CifarReader.RawRecords(labels, pixels, keep.Count), Format.Classes, description);
    }

    private CifarReader.RawRecords Concatenate(IReadOnlyList<DataFile> files, int? maxRecords)
    {
        var parts = new List<CifarReader.RawRecords>();
        int total = 0;
        foreach (var f in files)
        {
            if (maxRecords is { } max && total >= max) break;
            var part = CifarReader.ReadRaw(f.Path, Format, maxRecords is { } mx ? mx - total : null);
            parts.Add(part);
            total += part.Count;
        }
        if (parts.Count == 1) return parts[0];
        var labels = parts.SelectMany(p => p.Labels).ToArray();
        var pixels = new byte[(long)total * CifarFormat.PixelBytes];
        long offset = 0;
        foreach (var p in parts)
        {
            Buffer.BlockCopy(p.Pixels, 0, pixels, (int)offset, p.Pixels.Length);
            offset += p.Pixels.Length;
        }
        return new CifarReader.RawRecords(labels, pixels, total);
    }
}
