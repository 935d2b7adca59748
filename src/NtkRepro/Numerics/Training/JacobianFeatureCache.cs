using static TorchSharp.torch;

namespace NtkRepro.Numerics.Training;

/// <summary>
/// Keeps the features of the latest parent checkpoint for the next child of the same parent:
/// the linearized and the centered child share J(x) and f_t(x), so a caller that trains both
/// computes them once. One set is held at a time, replaced when another parent or training set
/// asks; the caller owns the cache, and disposing it frees the features.
/// </summary>
public sealed class JacobianFeatureCache : IDisposable
{
    private (string Parent, Tensor Images, JacobianFeatures Features)? _held;

    /// <param name="parent">Names the parent checkpoint (its run folder and epoch): equal names, equal parameters.</param>
    /// <param name="reused">Whether the features were held already.</param>
    public JacobianFeatures GetOrCompute(string parent, Tensor images, Func<JacobianFeatures> compute, out bool reused)
    {
        reused = _held is { } h && h.Parent == parent && ReferenceEquals(h.Images, images);
        if (!reused)
        {
            Clear(); // before computing: two sets need not fit together
            _held = (parent, images, compute());
        }
        return _held!.Value.Features;
    }

    /// <summary>Frees the features held; the cache stays usable.</summary>
    public void Clear()
    {
        _held?.Features.Dispose();
        _held = null;
    }

    public void Dispose() => Clear();
}
