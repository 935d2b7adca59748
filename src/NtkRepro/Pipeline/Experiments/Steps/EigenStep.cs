using NtkRepro.Numerics.Eigenimages;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Results;
using NtkRepro.Pipeline.Runs;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>
/// Eigen-images (PROTOCOL §5, C16) of one replicate's initial, benign and AT kernels for some
/// classes: a JSON of figures and a PNG grid per class, in a folder named by a hash of the work.
/// </summary>
public sealed class EigenStep : StepKind<EigenWork, IReadOnlyList<EigenImageRun>>
{
    public static readonly EigenStep Kind = new();

    public override string Name => "eigen";

    public static PlanStep Plan(string prefix, PlanStep benignRun, PlanStep adversarialRun, PlanStep benignKernels, PlanStep adversarialKernels, EigenWork work)
    {
        var ascent = work.Config.AscentOptions;
        int images = work.Config.Eigenvectors + work.Config.Negatives + (work.Config.Regression ? 1 : 0);
        return new PlanStep($"{prefix}/eigen", $"{prefix}/eigen-{StepKey.Of(work with { BenignRun = "", AdversarialRun = "" }, benignRun.Folder, adversarialRun.Folder)}",
            [benignRun.Key, adversarialRun.Key, benignKernels.Key, adversarialKernels.Key],
            work, 3.0 * work.Classes.Count * images * ascent.Steps * 3,
            $"eigen-images of the initial, benign and AT kernels, classes {string.Join(", ", work.Classes)}, {work.V}, replicate {work.R}");
    }

    private static string JsonPath(ArtifactStore store, PlanStep step, int cls) => Path.Combine(store.PathOf(step), $"eigen-class-{cls}.json");

    public override IReadOnlyList<string> Outputs(Plan plan, ArtifactStore store, PlanStep step, EigenWork work) =>
        work.Classes.SelectMany(c => new[] { JsonPath(store, step, c), Path.ChangeExtension(JsonPath(store, step, c), ".png") }).ToList();

    protected override void Run(StepContext context, PlanStep step, EigenWork work)
    {
        var benign = context.PathOf(work.BenignRun);
        (EigenKernel Kernel, string Run, double? Epoch)[] rows =
            [(EigenKernel.Initial, benign, 0), (EigenKernel.Benign, benign, null), (EigenKernel.Adversarial, context.PathOf(work.AdversarialRun), null)];
        var sources = rows.Select(r => new EigenImageSource(EigenImageRun.SourceName(r.Kernel), r.Run, r.Epoch)).ToList();
        foreach (var c in work.Classes)
        {
            var json = JsonPath(context.Store, step, c);
            var png = Path.ChangeExtension(json, ".png");
            if (File.Exists(json) && File.Exists(png)) continue;
            var results = EigenImageJob.Run(sources, context.Train(work.V), work.Subset, c, work.Config, context.Device, context.Progress);
            EigenImages.WriteGrid(png, results);
            AtomicFile.WriteJson(json, new EigenImageReport(c, EigenImages.ProxyDefinition, EigenImages.Columns(work.Config), results, Path.GetFileName(png)));
        }
    }

    public override IReadOnlyList<EigenImageRun> Read(Plan plan, ArtifactStore store, PlanStep step, EigenWork work) =>
        work.Classes.Select(c =>
        {
            var report = Json.Read<EigenImageReport>(JsonPath(store, step, c));
            return new EigenImageRun(work.R, c, Path.GetRelativePath(store.Root, Path.Combine(store.PathOf(step), report.Grid)), report);
        }).ToList();
}
