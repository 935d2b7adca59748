using TorchSharp;
using NtkRepro.Native;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NtkRepro.Models;

/// <summary>
/// Parameter-holding layers. They keep PyTorch's parameter layout and names (weight, bias,
/// running_mean, ...) but leave the computation to an <see cref="ILayerAlgebra{T}"/>, so one
/// model definition serves the standard forward pass and the forward-mode JVP.
/// Parameters and buffers are public fields named as registered: TorchSharp's Module.to()
/// replaces them by reflecting over fields with those names.
/// </summary>
public sealed class ConvLayer : nn.Module
{
    protected override void RegisterComponents() { } // registration is explicit, see NtkModel

    public ConvLayer(string name, int inChannels, int outChannels, int kernel, int stride, int padding, bool bias = false)
        : base(name)
    {
        Stride = stride;
        Padding = padding;
        weight = new Parameter(torch.empty(outChannels, inChannels, kernel, kernel));
        register_parameter("weight", weight);
        if (bias)
        {
            this.bias = new Parameter(torch.zeros(outChannels));
            register_parameter("bias", this.bias);
        }
        Init.FanInTruncatedNormal(weight, inChannels * kernel * kernel);
    }

    public int Stride { get; }
    public int Padding { get; }
    public Parameter weight;
    public Parameter? bias;

    public Tensor Apply(Tensor x, Tensor w, Tensor? b) =>
        CpuConvolution.Apply(x, w, b, Stride, Padding);
}

public sealed class LinearLayer : nn.Module
{
    protected override void RegisterComponents() { } // registration is explicit, see NtkModel

    public LinearLayer(string name, int inFeatures, int outFeatures, bool zeroInit) : base(name)
    {
        weight = new Parameter(torch.empty(outFeatures, inFeatures));
        bias = new Parameter(torch.zeros(outFeatures));
        register_parameter("weight", weight);
        register_parameter("bias", bias);
        if (zeroInit) using (torch.no_grad()) weight.zero_();
        else Init.FanInTruncatedNormal(weight, inFeatures);
    }

    public Parameter weight;
    public Parameter bias;
}

/// <summary>BatchNorm with PyTorch semantics: momentum 0.1 (Haiku decay 0.9), eps 1e-5, affine.</summary>
public sealed class BatchNormLayer : nn.Module
{
    protected override void RegisterComponents() { } // registration is explicit, see NtkModel

    public const double Momentum = 0.1;
    public const double Eps = 1e-5;

    public BatchNormLayer(string name, int channels) : base(name)
    {
        weight = new Parameter(torch.ones(channels));
        bias = new Parameter(torch.zeros(channels));
        running_mean = torch.zeros(channels);
        running_var = torch.ones(channels);
        num_batches_tracked = torch.zeros(1, ScalarType.Int64).squeeze();
        register_parameter("weight", weight);
        register_parameter("bias", bias);
        register_buffer("running_mean", running_mean);
        register_buffer("running_var", running_var);
        register_buffer("num_batches_tracked", num_batches_tracked);
    }

    public Parameter weight;
    public Parameter bias;
    public Tensor running_mean;
    public Tensor running_var;
    public Tensor num_batches_tracked;

    /// <summary>Batch statistics (updating the running ones) in training mode, running statistics otherwise.</summary>
    public Tensor Standard(Tensor x)
    {
        if (training)
            using (torch.no_grad()) num_batches_tracked.add_(1);
        return F.batch_norm(x, running_mean, running_var, weight, bias, training, Momentum, Eps);
    }
}

internal static class Init
{
    /// <summary>
    /// Haiku's default: a normal truncated at ±2σ, scaled so the variance is 1/fan_in. Sampled by
    /// inverting the CDF (TorchSharp 0.107's trunc_normal_ returns a constant).
    /// </summary>
    public static void FanInTruncatedNormal(Tensor weight, long fanIn)
    {
        const double truncationCorrection = 0.87962566103423978; // std of N(0,1) truncated at ±2
        const double erfOfSqrt2 = 0.95449973610364158;            // 2Φ(2) − 1
        double std = Math.Sqrt(1.0 / fanIn) / truncationCorrection;
        using (torch.no_grad())
            weight.uniform_(-erfOfSqrt2, erfOfSqrt2).erfinv_().mul_(Math.Sqrt(2) * std);
    }
}
