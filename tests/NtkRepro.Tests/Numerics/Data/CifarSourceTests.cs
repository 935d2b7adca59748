using NtkRepro.Cli;
using NtkRepro.Numerics.Data;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Numerics.Data;

/// <summary>How a data root's folders are recognised, on small fake files.</summary>
[Tier(TestTier.Fast)]
public class CifarSourceTests
{
    private static string OfficialDownload(string root, params string[] without)
    {
        var dir = Directory.CreateDirectory(Path.Combine(root, "cifar-10-batches-bin")).FullName;
        var record = new byte[CifarFormat.Cifar10.RecordBytes];
        foreach (var name in Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin").Append("test_batch.bin").Except(without))
            File.WriteAllBytes(Path.Combine(dir, name), record);
        return dir;
    }

    [Fact]
    public void ACompleteOfficialDownloadIsFound()
    {
        var root = TestData.TempDir("root");
        var dir = OfficialDownload(root);
        var source = Assert.Single(CifarSource.FindAll(root));
        Assert.True(source.IsFull);
        Assert.Equal(dir, source.Folder);
        Assert.Equal(5, source.Train.Count);
    }

    [Fact]
    public void AMissingBatchFileIsNamedWithItsFolder()
    {
        var root = TestData.TempDir("root");
        var dir = OfficialDownload(root, without: "data_batch_4.bin");
        var e = Assert.Throws<InvalidDataException>(() => CifarSource.Find(root, CifarSource.Cifar10));
        Assert.Contains($"data_batch_4.bin missing in {dir}", e.Message);
    }

    [Fact]
    public void AnIncompleteDownloadIsNotReplacedBySilentlyUsingTheSubset()
    {
        var root = TestData.TempDir("root");
        OfficialDownload(root, without: "test_batch.bin");
        var subset = Directory.CreateDirectory(Path.Combine(root, "cifar10")).FullName;
        File.WriteAllBytes(Path.Combine(subset, "train_subset.bin.gz"), []);
        File.WriteAllBytes(Path.Combine(subset, "test_first1000_exact.bin.gz"), []);
        Assert.Contains("test_batch.bin missing in", Assert.Throws<InvalidDataException>(() => CifarSource.FindAll(root)).Message);
    }

    [Fact]
    public void AHalfSubsetIsNamed()
    {
        var root = TestData.TempDir("root");
        var subset = Directory.CreateDirectory(Path.Combine(root, "cifar10")).FullName;
        File.WriteAllBytes(Path.Combine(subset, "train_subset.bin.gz"), []);
        var e = Assert.Throws<InvalidDataException>(() => CifarSource.FindAll(root));
        Assert.Contains($"test_first1000_exact.bin.gz missing in {subset}", e.Message);
    }

    [Fact]
    public void TheDataCommandReportsTheMissingFileNotANoDatasetMessage()
    {
        var root = TestData.TempDir("root");
        OfficialDownload(root, without: "data_batch_4.bin");
        var (output, error) = (new StringWriter(), new StringWriter());
        int code = NtkRepro.Cli.Program.Run(["data", "--data", root], output, error);
        Assert.Equal((int)ExitCode.UsageOrInput, code);
        Assert.Contains("data_batch_4.bin missing in", error.ToString());
        Assert.DoesNotContain("no CIFAR dataset found", output.ToString());
    }
}
