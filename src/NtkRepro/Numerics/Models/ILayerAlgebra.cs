namespace NtkRepro.Numerics.Models;

/// <summary>
/// The operations a model is built from, over some value type T: a plain tensor for the
/// standard forward pass, a (primal, tangent) pair for the forward-mode JVP.
/// </summary>
public interface ILayerAlgebra<T>
{
    T Conv(ConvLayer layer, T x);
    T Linear(LinearLayer layer, T x);
    T BatchNorm(BatchNormLayer layer, T x);
    T Relu(T x);
    T Add(T a, T b);
    /// <summary>NCHW → NC, mean over H and W.</summary>
    T GlobalAvgPool(T x);
    T AvgPool(T x, int kernel);
    T MaxPool(T x, int kernel);
    T Flatten(T x);
}
