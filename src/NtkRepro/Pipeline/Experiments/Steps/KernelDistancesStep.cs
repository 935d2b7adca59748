using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Results;
using NtkRepro.Pipeline.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>
/// Distances between kernels of different runs of one variant, on the same points: every pair of
/// final kernels, and each switch run at the switch against every final kernel (what C2, C7 and
/// C18 compare). Written to &lt;variant&gt;/kernel-distances-&lt;hash of the kernel runs&gt;/distances.json.
/// </summary>
public sealed class KernelDistancesStep : StepKind<KernelDistancesWork, IReadOnlyList<KernelDistance>>
{
    public static readonly KernelDistancesStep Kind = new();

    public override string Name => "kernel-distances";

    /// <param name="kernels">Every kernel step of the variant.</param>
    public static PlanStep Plan(Variant v, IReadOnlyList<PlanStep> kernels, double finalEpoch, double switchEpoch)
    {
        var work = new KernelDistancesWork(v, kernels.Select(k => k.Key).ToList(), finalEpoch, switchEpoch);
        var folders = kernels.Select(k => $"{k.Folder}:{((KernelsWork)k.Work).Subset.FolderName}").ToList();
        return new PlanStep($"{v.Name}/kernel-distances", $"{v.Name}/kernel-distances-{StepKey.Of(work with { Kernels = [] }, string.Join("\n", folders))}",
            work.Kernels, work, 0, $"distances between the final kernels of every run (and the switch runs at the switch), {v}");
    }

    public override IReadOnlyList<string> Outputs(Plan plan, ArtifactStore store, PlanStep step, KernelDistancesWork work) =>
        [Path.Combine(store.PathOf(step), "distances.json")];

    protected override void Run(StepContext context, PlanStep step, KernelDistancesWork work)
    {
        var distances = Compute(context.Plan, context.Store, work);
        AtomicFile.WriteJson(Outputs(context.Plan, context.Store, step, work)[0], distances);
    }

    public override IReadOnlyList<KernelDistance> Read(Plan plan, ArtifactStore store, PlanStep step, KernelDistancesWork work) =>
        Json.Read<List<KernelDistance>>(Outputs(plan, store, step, work)[0]);

    private static List<KernelDistance> Compute(Plan plan, ArtifactStore store, KernelDistancesWork work)
    {
        double final = work.FinalEpoch, atSwitch = work.SwitchEpoch;
        using var scope = torch.NewDisposeScope();
        var traces = new Dictionary<KernelRef, Tensor>();
        foreach (var s in work.Kernels.Select(plan.Step))
        {
            var k = (KernelsWork)s.Work;
            foreach (var epoch in new[] { final, atSwitch }.Distinct())
                if (k.Epochs.Contains(epoch) && (epoch == final || k.Schedule == ScheduleKind.Switch))
                {
                    traces[new KernelRef(k.Schedule, k.R, epoch)] = KernelJob.Load(KernelsStep.KernelPath(store, s, epoch)).Trace;
                }
        }
        var finals = traces.Keys.Where(k => k.Epoch == final).OrderBy(k => k.Schedule).ThenBy(k => k.Replicate).ToList();
        var result = new List<KernelDistance>();
        for (int i = 0; i < finals.Count; i++)
            for (int j = i + 1; j < finals.Count; j++)
                result.Add(new KernelDistance(finals[i], finals[j], KernelMetrics.Distance(traces[finals[i]], traces[finals[j]])));
        if (atSwitch != final)
            foreach (var sw in traces.Keys.Where(k => k.Epoch == atSwitch && k.Schedule == ScheduleKind.Switch))
                foreach (var f in finals)
                    result.Add(new KernelDistance(sw, f, KernelMetrics.Distance(traces[sw], traces[f])));
        return result;
    }
}
