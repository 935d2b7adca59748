using System.CommandLine;
using System.Globalization;
using NtkRepro.Cli.Terminal;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Eigenimages;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Results;
using NtkRepro.Pipeline.Runs;

namespace NtkRepro.Cli.Commands;

/// <summary><c>ntkrepro eigen</c>: NTK eigenvector images (PROTOCOL §5, paper §8) of stage-1 checkpoints, as a PNG grid and JSON.</summary>
public static class EigenCommand
{
    public static Command Create()
    {
        var initial = new Option<string?>("--initial") { Description = "A stage-1 run whose initial checkpoint (epoch 0) gives the 'initial' row" };
        var benign = new Option<string?>("--benign") { Description = "A benign stage-1 run whose last checkpoint gives the 'benign' row" };
        var adversarial = new Option<string?>("--adversarial") { Description = "An adversarial stage-1 run whose last checkpoint gives the 'adversarial' row" };
        var rows = new Option<string[]>("--row")
        {
            Description = "Further rows, LABEL=RUN[@EPOCH] (default epoch: the run's last checkpoint); repeatable",
            AllowMultipleArgumentsPerToken = false,
        };
        var cls = new Option<int>("--class") { Description = "The class c whose kernel block K_cc is drawn", Required = true }.AtLeast(0);
        var k = new Option<int>("--eigenvectors", "-k") { Description = "Top eigenvectors drawn (ascent images)", DefaultValueFactory = _ => 3 }.AtLeast(1);
        var negatives = new Option<int>("--negatives") { Description = "Descent ('negative') images for the first this many eigenvectors", DefaultValueFactory = _ => 1 }.AtLeast(0);
        var noRegression = new Option<bool>("--no-regression") { Description = "Leave out the kernel-regression direction J_cᵀK_cc⁻¹y_c" };
        var ridge = new Option<double>("--ridge") { Description = "Ridge of the regression solve, relative to the mean diagonal of K_cc", DefaultValueFactory = _ => 1e-6 }.NotNegative();
        var steps = new Option<int>("--steps") { Description = "Signed-gradient steps from grey (the authors: 600)", DefaultValueFactory = _ => 600 }.AtLeast(1);
        var stepSize = new Option<double>("--step-size") { Description = "Step size in pixel units (the authors: 0.001)", DefaultValueFactory = _ => 0.001 }.Positive();
        var perImage = new Option<bool>("--per-image") { Description = "One double backward per image instead of one for all images of a row (slower; a check)" };
        var perClass = new Option<int>("--per-class") { Description = "Kernel subset: points per class (the paper: 50)", DefaultValueFactory = _ => 50 }.AtLeast(1);
        var seed = new Option<int>("--subset-seed") { Description = "Seed of the class-balanced subset", DefaultValueFactory = _ => 0 };
        var scale = new Option<int>("--scale") { Description = "Pixels per image pixel in the PNG grid", DefaultValueFactory = _ => 4 }.AtLeast(1);
        var output = new Option<string>("--out") { Description = "Folder for eigen-class-<c>.png and .json", Required = true }.Folder();
        var data = CommonOptions.Data();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("eigen", "NTK eigenvector images: for the top eigenvectors of a class kernel K_cc, images grown from grey by " +
                                           "signed-gradient ascent on cos(∇θ f_c(x), J_cᵀu_i); a PNG grid (rows: kernels, columns: directions) and JSON with a low-frequency-energy proxy per image")
        {
            initial, benign, adversarial, rows, cls, k, negatives, noRegression, ridge, steps, stepSize, perImage, perClass, seed, scale, output, data, device, threads,
        };
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
        {
            var sources = new List<EigenImageSource>();
            if (parse.GetValue(initial) is { } i) sources.Add(new(EigenImageRun.SourceName(EigenKernel.Initial), i, 0));
            if (parse.GetValue(benign) is { } b) sources.Add(new(EigenImageRun.SourceName(EigenKernel.Benign), b, null));
            if (parse.GetValue(adversarial) is { } a) sources.Add(new(EigenImageRun.SourceName(EigenKernel.Adversarial), a, null));
            foreach (var row in parse.GetValue(rows) ?? []) sources.Add(ParseRow(row));
            if (sources.Count == 0) throw new ArgumentException("eigen: give at least one of --initial, --benign, --adversarial, --row");
            foreach (var s in sources)
                if (!Directory.Exists(s.RunPath)) throw new ArgumentException($"run folder '{s.RunPath}' (row '{s.Label}') does not exist");
            if (parse.GetValue(scale) is < 1 or > 64) throw new ArgumentException($"--scale {parse.GetValue(scale)}: must be in 1..64");
            var config = new EigenImageConfig(parse.GetValue(k), parse.GetValue(negatives), !parse.GetValue(noRegression), parse.GetValue(ridge),
                new EigenImageAscent.Options(parse.GetValue(steps), parse.GetValue(stepSize), Batched: !parse.GetValue(perImage)));
            config.AscentOptions.Validate();
            var subset = new KernelSubset(parse.GetValue(perClass), parse.GetValue(seed));
            var dev = CommonOptions.Setup(parse.GetValue(device)!, parse.GetValue(threads));
            var specs = sources.Select(s => (s, RunDirectory.Read<Stage1Config>(s.RunPath, Stage1.Kind).Config.Data)).ToList();
            var mismatch = specs.FirstOrDefault(p => p.Data != specs[0].Data);
            if (mismatch.s is not null)
                throw new ArgumentException($"eigen: run '{mismatch.s.RunPath}' was trained on other data than '{specs[0].s.RunPath}' (the rows must share the kernel subset)");
            int c = parse.GetValue(cls);
            var (train, test) = DatasetLoader.Load(specs[0].Data, parse.GetValue(data));
            test.Dispose();
            using (train)
                return ProgressConsole.Run(parse.InvocationConfiguration.Output, progress =>
                {
                    var results = EigenImageJob.Run(sources, train, subset, c, config, dev, progress);
                    var dir = Directory.CreateDirectory(parse.GetValue(output)!).FullName;
                    var png = Path.Combine(dir, $"eigen-class-{c}.png");
                    EigenImages.WriteGrid(png, results, parse.GetValue(scale));
                    var json = Path.Combine(dir, $"eigen-class-{c}.json");
                    AtomicFile.WriteJson(json, new EigenImageReport(c, EigenImages.ProxyDefinition, EigenImages.Columns(config), results, Path.GetFileName(png)));
                    progress.Log($"{"row",-26} {"column",-11} {"cos start",9} {"cos end",9} {"low-freq",9} {"TV",7}");
                    foreach (var r in results)
                        foreach (var im in r.Images)
                            progress.Log($"{r.Label,-26} {im.Column,-11} {im.InitialCosine,9:F4} {im.FinalCosine,9:F4} {im.LowFrequencyEnergy,9:F3} {im.TotalVariation,7:F4}");
                    progress.Log($"grid (rows: {string.Join(", ", results.Select(r => r.Label))}; columns: {string.Join(", ", EigenImages.Columns(config))}) written to {png}; figures to {json}");
                    return ExitCode.Success;
                });
        }));
        return command;
    }

    /// <summary>LABEL=RUN[@EPOCH].</summary>
    public static EigenImageSource ParseRow(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0 || eq == text.Length - 1) throw new ArgumentException($"--row '{text}': expected LABEL=RUN[@EPOCH]");
        var label = text[..eq];
        var rest = text[(eq + 1)..];
        int at = rest.LastIndexOf('@');
        if (at < 0) return new(label, rest, null);
        if (!double.TryParse(rest[(at + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var epoch) || epoch < 0)
            throw new ArgumentException($"--row '{text}': epoch '{rest[(at + 1)..]}' is not a number ≥ 0");
        return new(label, rest[..at], epoch);
    }
}
