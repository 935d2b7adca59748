using NtkRepro.Data;
using NtkRepro.Linearization;
using NtkRepro.Training;
using NtkRepro.Util;

namespace NtkRepro.Runs;

/// <summary>
/// The epochs of a child on the cached-Jacobian route. The features are computed when an epoch
/// is first trained, from the parent the (possibly resumed) child holds, and live as long as this.
/// </summary>
internal sealed class CachedJacobianTrainer(LinearizedClassifier child, MomentumSgd optimizer, LabeledImages train,
    JacobianCacheOptions cache, IProgressSink progress, string task) : IDisposable
{
    private JacobianFeatures? _features;

    public EpochMetrics TrainEpoch(EpochPlan plan, Action<int> afterBatch)
    {
        if (_features is null)
        {
            _features = JacobianFeatures.Compute(child.Parent, train.Images, cache, progress, $"{task}: features");
            progress.Log($"{task}: {_features.Describe()}");
        }
        return CachedJacobianEpoch.Run(child, _features, optimizer, train.Labels, plan, progress, afterBatch);
    }

    public string Describe() => $"{Json.EnumName(TrainingRoute.CachedJacobian)}: {_features?.Describe() ?? "no epoch left to train"}";

    public void Dispose() => _features?.Dispose();
}
