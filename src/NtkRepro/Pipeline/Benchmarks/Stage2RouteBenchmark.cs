using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Pipeline.Benchmarks;

/// <summary>
/// Times a benign linearized/centered child's epoch on both training routes, from the same
/// parent checkpoint on the same machine: the features of the parent once, then epochs of the
/// two routes interleaved (so that load on a shared machine hits both alike), medians reported.
/// Peak memory is read before the features (the forward pass's) and at the end. Asserts nothing.
/// </summary>
public static class Stage2RouteBenchmark
{
    public sealed record Options(Dynamics Dynamics = Dynamics.Centered, int Rounds = 3, int BatchSize = AuthorsDefaults.BatchSize, double LearningRate = AuthorsDefaults.Stage2LearningRate,
        JacobianCacheOptions? Cache = null);

    public sealed record Figures(int Samples, long Parameters, int Classes, long RowBytes, string Storage, double FeatureSeconds,
        IReadOnlyList<double> ForwardPassEpochSeconds, IReadOnlyList<double> CachedEpochSeconds,
        long PeakBeforeFeaturesBytes, long PeakBytes, int Threads)
    {
        public double ForwardPassMedian => Median.Of(ForwardPassEpochSeconds);
        public double CachedMedian => Median.Of(CachedEpochSeconds);
    }

    public static Figures Run(string parentRun, double spawnEpoch, LabeledImages train, Options options, Device device, IProgressSink progress)
    {
        if (options.Dynamics == Dynamics.Standard) throw new ArgumentException("the cached-Jacobian route trains linearized or centered children");
        using var parent = Stage2.LoadParent(parentRun, spawnEpoch, device);
        using var forwardChild = new LinearizedClassifier(parent, options.Dynamics);
        using var cachedChild = new LinearizedClassifier(parent, options.Dynamics);
        var forwardOptimizer = new MomentumSgd(forwardChild.Trainable, options.LearningRate, 0.9);
        var cachedOptimizer = new MomentumSgd(cachedChild.Trainable, options.LearningRate, 0.9);
        EpochPlan Plan(int epoch, string route) => new(epoch, options.BatchSize, false, AdversarialMode.Mixture, PgdConfig.Training(), 0, $"bench {route} epoch");

        var forward = new List<double> { EpochLoop.Run(forwardChild, forwardOptimizer, train, Plan(0, "forward-pass"), progress).Seconds };
        long peakBefore = MemoryInfo.PeakResidentBytes();
        using var features = JacobianFeatures.Compute(cachedChild.Parent, train.Images, options.Cache ?? new(), progress, "bench features");
        progress.Log(features.Describe());
        var cached = new List<double> { CachedJacobianEpoch.Run(cachedChild, features, cachedOptimizer, train.Labels, Plan(0, "cached-jacobian"), progress).Seconds };
        for (int round = 1; round < options.Rounds; round++)
        {
            forward.Add(EpochLoop.Run(forwardChild, forwardOptimizer, train, Plan(round, "forward-pass"), progress).Seconds);
            cached.Add(CachedJacobianEpoch.Run(cachedChild, features, cachedOptimizer, train.Labels, Plan(round, "cached-jacobian"), progress).Seconds);
            progress.Log($"round {round + 1}/{options.Rounds}: forward pass {forward[^1]:F2} s, cached Jacobian {cached[^1]:F2} s per epoch");
        }
        return new Figures(train.Count, parent.ParameterCount(), parent.Spec.Classes, features.RowBytes, features.Storage.ToString(), features.Seconds,
            forward, cached, peakBefore, MemoryInfo.PeakResidentBytes(), torch.get_num_threads());
    }
}
