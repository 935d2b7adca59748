using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;

namespace NtkRepro.Pipeline.Runs;

/// <summary>
/// The epochs of a child on the cached-Jacobian route. The features are computed when an epoch
/// is first trained, from the parent the (possibly resumed) child holds, or taken from the
/// shared cache when a sibling of the same parent checkpoint computed them.
/// </summary>
internal sealed class CachedJacobianTrainer(ITaylorModel child, MomentumSgd optimizer, LabeledImages train,
    JacobianCacheOptions cache, string parentCheckpoint, IProgressSink progress, string task) : IDisposable
{
    private JacobianFeatures? _features;
    private bool _reused;

    public EpochMetrics TrainEpoch(EpochPlan plan, Action<int> afterBatch)
    {
        if (_features is null)
        {
            JacobianFeatures Compute() => JacobianFeatures.Compute(child.Parent, train.Images, cache, progress, $"{task}: features");
            _features = cache.Shared is { } shared ? shared.GetOrCompute(parentCheckpoint, train.Images, Compute, out _reused) : Compute();
            progress.Log($"{task}: {Features()}");
        }
        return CachedJacobianEpoch.Run(child, _features, optimizer, train.Labels, plan, progress, afterBatch);
    }

    public string Describe() => $"{Json.EnumName(TrainingRoute.CachedJacobian)}: {(_features is null ? "no epoch left to train" : Features())}";

    private string Features() => _features!.Describe() + (_reused ? " for an earlier child of this parent checkpoint, reused" : "");

    public void Dispose()
    {
        if (cache.Shared is null) _features?.Dispose();
    }
}
