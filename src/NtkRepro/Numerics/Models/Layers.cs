using NtkRepro.Numerics.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NtkRepro.Numerics.Models;

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
        : this(name, inChannels, outChannels, kernel, stride, ConvPadding.Symmetric(padding), bias)
    {
    }

    public ConvLayer(string name, int inChannels, int outChannels, int kernel, int stride, ConvPadding padding, bool bias = false)
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
    public ConvPadding Padding { get; }
    public Parameter weight;
    public Parameter? bias;

    public Tensor Apply(Tensor x, Tensor w, Tensor? b)
    {
        var (input, padding) = Prepare(x);
        return CpuConvolution.Apply(input, w, b, Stride, padding);
    }

    /// <summary>
    /// The input and the symmetric padding left to the convolution: an asymmetric padding (SAME at
    /// stride 2) is applied here as zeros, so every route (forward, JVP, double backward, unfolded
    /// per-sample gradients) convolves the same padded input.
    /// </summary>
    public (Tensor Input, long Padding) Prepare(Tensor x)
    {
        int k = (int)weight.shape[2];
        var (top, bottom) = Padding.Amounts(x.shape[2], k, Stride);
        var (left, right) = Padding.Amounts(x.shape[3], k, Stride);
        if (top == bottom && left == right && top == left) return (x, top);
        return (F.pad(x, [left, right, top, bottom]), 0);
    }
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

/// <summary>
/// BatchNorm with the authors' statistics (Haiku's BatchNorm, decay 0.9 and eps 1e-5 at
/// modified_resnets.py:326-327): training normalises by the batch's mean and biased variance and
/// feeds them to a zero-debiased exponential moving average (haiku/_src/moving_averages.py), after
/// k updates (1 − d)·Σᵢ d^(k−i)·xᵢ / (1 − d^k); eval mode normalises by that average. The average
/// is <c>running_mean</c>/<c>running_var</c> (what eval mode and the JVP read), the EMA's hidden
/// state <c>hidden_mean</c>/<c>hidden_var</c> and its counter <c>num_batches_tracked</c>.
/// Before the first update the average holds one batch's statistics: Haiku's init runs the
/// network once on a batch and keeps the average its EMA wrote then, while the counter and the
/// hidden state stay at their initial 0 (<see cref="NtkModel.InitializeBatchNorm"/>).
/// </summary>
public sealed class BatchNormLayer : nn.Module
{
    protected override void RegisterComponents() { } // registration is explicit, see NtkModel

    public const double Decay = 0.9;
    public const double Eps = 1e-5;

    public BatchNormLayer(string name, int channels) : base(name)
    {
        weight = new Parameter(torch.ones(channels));
        bias = new Parameter(torch.zeros(channels));
        running_mean = torch.zeros(channels);
        running_var = torch.ones(channels);
        hidden_mean = torch.zeros(channels);
        hidden_var = torch.zeros(channels);
        num_batches_tracked = torch.zeros(1, ScalarType.Int64).squeeze();
        register_parameter("weight", weight);
        register_parameter("bias", bias);
        register_buffer("running_mean", running_mean);
        register_buffer("running_var", running_var);
        register_buffer("hidden_mean", hidden_mean);
        register_buffer("hidden_var", hidden_var);
        register_buffer("num_batches_tracked", num_batches_tracked);
    }

    public Parameter weight;
    public Parameter bias;
    public Tensor running_mean;
    public Tensor running_var;
    public Tensor hidden_mean;
    public Tensor hidden_var;
    public Tensor num_batches_tracked;

    /// <summary>While set, a training-mode pass writes its batch statistics to the average and leaves the EMA untouched.</summary>
    internal bool Initializing { get; set; }

    /// <summary>Batch statistics (updating the average) in training mode, the average otherwise.</summary>
    public Tensor Standard(Tensor x)
    {
        if (!training) return F.batch_norm(x, running_mean, running_var, weight, bias, false, 0, Eps);
        // Momentum 1 makes the scratch buffers the batch's mean and unbiased variance.
        using var mean = torch.zeros_like(running_mean);
        using var unbiased = torch.ones_like(running_var);
        var y = F.batch_norm(x, mean, unbiased, weight, bias, true, 1.0, Eps);
        long n = x.numel() / x.shape[1];
        using (torch.no_grad())
        using (var variance = unbiased * ((n - 1.0) / n))
            Record(mean, variance);
        return y;
    }

    private void Record(Tensor mean, Tensor variance)
    {
        if (Initializing)
        {
            running_mean.copy_(mean);
            running_var.copy_(variance);
            return;
        }
        num_batches_tracked.add_(1);
        long k = num_batches_tracked.item<long>();
        double debias = 1 - Math.Pow(Decay, k);
        hidden_mean.mul_(Decay).add_(mean, alpha: 1 - Decay);
        hidden_var.mul_(Decay).add_(variance, alpha: 1 - Decay);
        running_mean.copy_(hidden_mean).div_(debias);
        running_var.copy_(hidden_var).div_(debias);
    }
}

internal static class Init
{
    /// <summary>
    /// Haiku's default for convolutions and linear layers: TruncatedNormal(stddev = 1/√fan_in),
    /// σ·N(0, 1) truncated at ±2, whose standard deviation is 0.8796/√fan_in
    /// (haiku/_src/initializers.py; only VarianceScaling corrects σ for the truncation). Sampled
    /// by inverting the CDF (TorchSharp 0.107's trunc_normal_ returns a constant).
    /// </summary>
    public static void FanInTruncatedNormal(Tensor weight, long fanIn)
    {
        const double erfOfSqrt2 = 0.95449973610364158; // 2Φ(2) − 1
        double sigma = Math.Sqrt(1.0 / fanIn);
        using (torch.no_grad())
            weight.uniform_(-erfOfSqrt2, erfOfSqrt2).erfinv_().mul_(Math.Sqrt(2) * sigma);
    }
}
