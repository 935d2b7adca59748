using NtkRepro.Cli;
using NtkRepro.Numerics.Data;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Cli;

[Tier(TestTier.Fast)]
public class DataCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = NtkRepro.Cli.Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [CifarFact]
    public void ListsAndVerifiesTheDataRoot()
    {
        var (code, output, _) = Run("data");
        Assert.Equal(0, code);
        Assert.Contains("cifar10", output);
        Assert.Contains("verified", output);
    }

    [Fact]
    public void MissingFolderIsAOneLineError()
    {
        var (code, _, err) = Run("data", "--data", "/nonexistent/folder");
        Assert.Equal((int)ExitCode.UsageOrInput, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("/nonexistent/folder", err);
    }

    [Fact]
    public void CorruptFileIsReportedWithItsNameAndRecord()
    {
        var root = TestData.TempDir("root");
        var dir = Directory.CreateDirectory(Path.Combine(root, "cifar-10-batches-bin")).FullName;
        var record = new byte[CifarFormat.Cifar10.RecordBytes];
        for (int i = 1; i <= 5; i++) File.WriteAllBytes(Path.Combine(dir, $"data_batch_{i}.bin"), record);
        var bad = (byte[])record.Clone();
        bad[0] = 12;
        File.WriteAllBytes(Path.Combine(dir, "test_batch.bin"), record.Concat(bad).ToArray());
        var (code, output, _) = Run("data", "--data", root);
        Assert.Equal((int)ExitCode.UsageOrInput, code);
        Assert.Contains("test_batch.bin: record 1", output);
        Assert.Contains("md5 MISMATCH", output);
    }
}
