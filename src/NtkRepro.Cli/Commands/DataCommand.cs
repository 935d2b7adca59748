using System.CommandLine;
using NtkRepro.Numerics.Data;

namespace NtkRepro.Cli.Commands;

/// <summary><c>ntkrepro data</c>: what a data root holds, verified; optionally download.</summary>
public static class DataCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var download = new Option<string?>("--download")
        {
            Description = "Download and unpack an official archive into the data root: cifar10 or cifar100 (needs internet)",
        };
        var command = new Command("data", "List the datasets a data root holds and verify their checksums") { data, download };
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
            Execute(parse.GetValue(data), parse.GetValue(download), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error)));
        return command;
    }

    public static ExitCode Execute(string? dataOption, string? download, TextWriter output, TextWriter error)
    {
        if (download != null)
        {
            var target = dataOption ?? Environment.GetEnvironmentVariable(DataRoot.EnvironmentVariable)
                         ?? throw new ArgumentException("--download needs a target folder: pass --data <dir>");
            CifarDownloader.DownloadAsync(download, target, output.WriteLine).GetAwaiter().GetResult();
        }
        var root = DataRoot.Resolve(dataOption);
        if (root == null)
        {
            error.WriteLine($"ntkrepro: error: {DataRoot.NotFoundHelp}");
            return ExitCode.UsageOrInput;
        }
        output.WriteLine($"data root: {root.Path} (from {root.HowFound})");
        var sources = DataInventory.Inspect(root.Path);
        if (sources.Count == 0)
        {
            error.WriteLine($"ntkrepro: error: no CIFAR dataset found in data root {root.Path}. " +
                "Expected cifar-10-batches-bin/ (official), cifar10/train_subset.bin.gz (the subset) or cifar-100-binary/.");
            return ExitCode.UsageOrInput;
        }
        var bad = new List<string>();
        foreach (var s in sources)
        {
            output.WriteLine();
            output.WriteLine($"{s.Source.Name} ({(s.Source.IsFull ? "full official download" : "subset")}) in {s.Source.Folder}");
            foreach (var f in s.Files)
            {
                output.WriteLine($"  {Path.GetFileName(f.File.Path)}: {f.File.Role}, {f.Bytes:N0} bytes, {f.Records:N0} records, {f.Checksum}");
                if (f.Error != null) output.WriteLine($"    ERROR {f.Error}");
                else output.WriteLine($"    per class: {string.Join(" ", f.PerClass.Take(10))}{(f.PerClass.Length > 10 ? " ..." : "")}");
            }
            output.WriteLine(s.Ok ? "  verified" : "  PROBLEMS FOUND (see above)");
            if (!s.Ok) bad.AddRange(s.Files.Where(f => !f.Ok).Select(f => Path.GetFileName(f.File.Path)).DefaultIfEmpty(s.Source.Folder));
        }
        if (bad.Count == 0) return ExitCode.Success;
        error.WriteLine($"ntkrepro: error: unusable data in {root.Path}: {string.Join(", ", bad)} (see above)");
        return ExitCode.UsageOrInput;
    }
}
