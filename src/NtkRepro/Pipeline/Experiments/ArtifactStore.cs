using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Results;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>
/// The folder every executor writes to, keyed by configuration: many machines can fill one store
/// (each step writes only its own folder, atomically), and the store can be moved or mounted
/// elsewhere (nothing in it names an absolute path). Holds runs, kernels and evaluations under
/// &lt;variant&gt;/r&lt;replicate&gt;/…, one timing file per step under timings/, and results.json
/// and report/ once reported. Which files a step writes is its kind's (<see cref="IStepKind"/>).
/// </summary>
public sealed class ArtifactStore
{
    public ArtifactStore(string root) => Root = System.IO.Path.GetFullPath(root);

    public string Root { get; }
    public string ResultsPath => System.IO.Path.Combine(Root, "results.json");
    public string ReportFolder => System.IO.Path.Combine(Root, "report");

    public string PathOf(PlanStep step) => System.IO.Path.GetFullPath(System.IO.Path.Combine(Root, step.Folder));

    /// <summary>The step's timing file, relative to the store.</summary>
    public static string TimingFile(string key) => System.IO.Path.Combine("timings", key.Replace('/', '~') + ".json");

    private string TimingPath(string key) => System.IO.Path.Combine(Root, TimingFile(key));

    public StepTiming? ReadTiming(string key) => File.Exists(TimingPath(key)) ? Json.Read<StepTiming>(TimingPath(key)) : null;

    public void WriteTiming(StepTiming timing) => AtomicFile.WriteJson(TimingPath(timing.Step), timing);
}
