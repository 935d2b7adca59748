using NtkRepro.Data;
using NtkRepro.Runs;
using NtkRepro.Util;

namespace NtkRepro.Experiments;

/// <summary>Wall time of one step as measured where and when it ran (Cached: this invocation reused it).</summary>
public sealed record StepTiming(string Step, double Seconds, bool Cached, string Machine);

/// <summary>
/// The folder every executor writes to, keyed by configuration: many machines can fill one store
/// (each step writes only its own folder, atomically), and the store can be moved or mounted
/// elsewhere (nothing in it names an absolute path). Holds runs, kernels and evaluations under
/// &lt;variant&gt;/r&lt;replicate&gt;/…, one timing file per step under timings/, and results.json
/// and report/ once reported.
/// </summary>
public sealed class ArtifactStore
{
    public ArtifactStore(string root) => Root = System.IO.Path.GetFullPath(root);

    public string Root { get; }
    public string ResultsPath => System.IO.Path.Combine(Root, "results.json");
    public string ReportFolder => System.IO.Path.Combine(Root, "report");

    public string PathOf(PlanStep step) => System.IO.Path.GetFullPath(System.IO.Path.Combine(Root, step.Folder));

    /// <summary>Whether the step's outputs are all in the store (the report step is never "done": it is rewritten from what is there).</summary>
    public bool IsDone(Plan plan, PlanStep step) => step.Work switch
    {
        Stage1Work or Stage2Work => File.Exists(System.IO.Path.Combine(PathOf(step), "done.json")),
        KernelsWork k => File.Exists(KernelJob.MetricsPath(PathOf(step), k.Subset))
                         && k.Epochs.All(e => File.Exists(KernelJob.KernelPath(PathOf(step), k.Subset, e))),
        EvaluateWork e => File.Exists(EvaluationPath(plan, step, e)),
        MaskingWork m => File.Exists(MaskingPath(plan, step, m)),
        EigenWork e => e.Classes.All(c => File.Exists(EigenPath(step, c))),
        _ => false,
    };

    /// <summary>Where an evaluation step writes its result.</summary>
    public string EvaluationPath(Plan plan, PlanStep step, EvaluateWork e)
    {
        double epoch = e.Epoch ?? ((Stage2Work)plan.Step(e.Target).Work).Config.Epochs;
        return EvaluationJob.ResultPath(PathOf(step), epoch, e.Config, TestCount(plan.Preset, e.Variant!));
    }

    /// <summary>Where a masking step writes its result.</summary>
    public string MaskingPath(Plan plan, PlanStep step, MaskingWork m)
    {
        double epoch = m.Epoch ?? ((Stage2Work)plan.Step(m.Target).Work).Config.Epochs;
        return MaskingJob.ResultPath(PathOf(step), epoch, m.Config, m.Seed, m.Source is null ? null : System.IO.Path.GetFileName(PathOf(plan.Step(m.Source))), m.SourceEpoch);
    }

    /// <summary>Where an eigen-image step writes one class's figures (its grid sits beside it).</summary>
    public string EigenPath(PlanStep step, int cls) => System.IO.Path.Combine(PathOf(step), $"eigen-class-{cls}.json");

    public static int TestCount(Preset p, Variant v) => p.TestCount ?? (v.Dataset == DatasetLoader.Synthetic ? 1000 : 10000);

    /// <summary>The step's timing file, relative to the store.</summary>
    public static string TimingFile(string key) => System.IO.Path.Combine("timings", key.Replace('/', '~') + ".json");

    private string TimingPath(string key) => System.IO.Path.Combine(Root, TimingFile(key));

    public StepTiming? ReadTiming(string key) => File.Exists(TimingPath(key)) ? Json.Read<StepTiming>(TimingPath(key)) : null;

    public void WriteTiming(StepTiming timing) => AtomicFile.WriteJson(TimingPath(timing.Step), timing);
}
