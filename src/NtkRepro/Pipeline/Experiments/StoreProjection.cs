using NtkRepro.Numerics.Data;
using NtkRepro.Pipeline.Results;
using NtkRepro.Pipeline.Runs;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>
/// What a plan's store will hold, in bytes, from its largest files: stage-1 checkpoints (only the
/// kept ones) and training state, children's, and the kernels (float32 class blocks, or one trace
/// where the subset misses classes). Evaluation records, timings and logs are small and left out.
/// </summary>
public static class StoreProjection
{
    /// <summary>A checkpoint's bytes, from a model's parameter and buffer count.</summary>
    public static long CheckpointBytes(long tensorElements) => 4 * tensorElements + 4096;

    /// <param name="checkpointBytes">One checkpoint of the preset's network, by variant (the classes set its head).</param>
    public static long Bytes(Plan plan, Func<Variant, long> checkpointBytes)
    {
        long total = 0;
        foreach (var step in plan.Steps)
        {
            if (step.Work.Variant is not { } v) continue;
            long checkpoint = checkpointBytes(v);
            total += step.Work switch
            {
                // The training state holds the parameters and the momentum beside them.
                Stage1Work s => (KeptCount(s.Config) + 2) * checkpoint,
                // A child keeps its parent's parameters beside its own, and their momentum.
                Stage2Work => 4 * checkpoint,
                KernelsWork k => k.Epochs.Count * KernelBytes(v, k.Subset),
                _ => 0,
            };
        }
        return total;
    }

    private static long KeptCount(Stage1Config c)
    {
        var whole = Enumerable.Range(0, c.Epochs + 1).Count(e => c.Keeps(e));
        return whole + c.WrittenFractionalCheckpoints().Count;
    }

    private static long KernelBytes(Variant v, KernelSubset subset)
    {
        int classes = DatasetLoader.Classes(v.Dataset);
        int covered = subset.Classes ?? classes;
        long points = (long)subset.PerClass * covered;
        return (covered == classes ? classes : 1) * points * points * 4;
    }

    /// <summary>Bytes in words (MB or GB).</summary>
    public static string Describe(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):F1} GB" : $"{bytes / (double)(1L << 20):F0} MB";
}
