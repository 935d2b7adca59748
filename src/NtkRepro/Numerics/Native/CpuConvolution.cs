using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NtkRepro.Numerics.Native;

/// <summary>
/// How the models' convolutions run on the CPU, and why. libtorch 2.10 hands float32 CPU
/// convolutions to oneDNN, which on some machines computes them wrongly. Measured on AMD Zen 5
/// virtual machines (AVX-512; CPUID reports no cache topology): in the NCHW layout, oneDNN works in
/// blocks of 8 or 16 channels and returns wrong values or NaNs whenever a channel count is not a
/// multiple of the block (3→4, 8→8, 12→16, 24→16 ...), under AVX-512 and, capped at AVX2, just as
/// well; its 1x1 backward-weights kernels crash (AVX-512) or never return (AVX2). Hence:
/// <list type="bullet">
/// <item>k x k convolutions (k &gt; 1) get channels-last inputs, which oneDNN runs as plain nhwc:
/// exact in every shape tried, under either instruction set, and faster than NCHW;</item>
/// <item>1x1 convolutions are what they are, a per-pixel matrix product (after striding);</item>
/// <item>before the first convolution, a self-check runs oneDNN's k x k convolutions on shapes that
/// fail on such machines (forward and both gradients against float64). If it fails, oneDNN is
/// switched off and libtorch's own kernels (im2col and GEMM) are used: about 2.5x slower, never
/// wrong. Which way was taken is part of <see cref="Description"/>, printed with every figure.</item>
/// </list>
/// NTKREPRO_CONV_LAYOUT=contiguous turns all of this off (plain F.conv2d in libtorch's default
/// layout), to diagnose oneDNN: the convolution tests then fail on such machines.
/// </summary>
public static class CpuConvolution
{
    public const string EnvironmentVariable = "NTKREPRO_CONV_LAYOUT";

    public static readonly bool Enabled =
        !string.Equals(Environment.GetEnvironmentVariable(EnvironmentVariable), "contiguous", StringComparison.OrdinalIgnoreCase);

    private static readonly Lazy<SelfCheck> Check = new(RunSelfCheck, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The outcome of the oneDNN self-check (run on first use).</summary>
    public sealed record SelfCheck(bool OneDnnCorrect, string Detail);

    /// <summary>What convolutions run on in this process (runs the self-check if it has not run).</summary>
    public static string Description => !Enabled
        ? $"libtorch's default layout ({EnvironmentVariable}=contiguous; not checked)"
        : Check.Value.OneDnnCorrect
            ? $"oneDNN, channels-last (self-check passed); 1x1 as matrix products"
            : $"libtorch's native kernels: oneDNN failed its self-check ({Check.Value.Detail}) and was switched off; 1x1 as matrix products";

    public static SelfCheck Outcome => Check.Value;

    /// <summary>conv2d(x, w, b) with the given stride and padding, computed as described above on the CPU.</summary>
    public static Tensor Apply(Tensor x, Tensor w, Tensor? b, long stride, long padding)
    {
        if (!Enabled || x.device_type != DeviceType.CPU) return F.conv2d(x, w, b, strides: [stride, stride], padding: [padding, padding]);
        if (w.shape[2] == 1 && w.shape[3] == 1 && padding == 0) return PointwiseConvolution(x, w, b, stride);
        _ = Check.Value;
        return F.conv2d(ToChannelsLast(x), w, b, strides: [stride, stride], padding: [padding, padding]);
    }

    /// <summary>A 1x1 convolution: y[b,o,h,w] = Σ_c W[o,c]·x[b,c,sh,sw] + bias[o], as one matrix product over pixels.</summary>
    private static Tensor PointwiseConvolution(Tensor x, Tensor w, Tensor? b, long stride)
    {
        var sampled = stride == 1 ? x : x[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(null, null, stride), TensorIndex.Slice(null, null, stride)];
        var pixels = sampled.permute(0, 2, 3, 1);                      // (B, H, W, C)
        var y = F.linear(pixels, w.flatten(1), b);                     // (B, H, W, O)
        return y.permute(0, 3, 1, 2);                                  // NCHW view, channels-last strides
    }

    /// <summary>Dense NCHW data with NHWC strides.</summary>
    public static bool IsChannelsLast(Tensor x)
    {
        if (x.dim() != 4) return false;
        var (s, n) = (x.stride(), x.shape);
        return s[1] == 1 && s[3] == n[1] && s[2] == n[1] * n[3] && s[0] == n[1] * n[2] * n[3];
    }

    public static Tensor ToChannelsLast(Tensor x) => IsChannelsLast(x) ? x : x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    /// <summary>Shapes (in → out channels, stride) on which oneDNN's blocked or tail handling failed.</summary>
    private static readonly (int In, int Out, int Stride)[] ProbeShapes = [(3, 4, 1), (8, 8, 1), (12, 16, 1), (24, 16, 1), (16, 32, 2), (32, 12, 1)];

    private static SelfCheck RunSelfCheck()
    {
        QuietNnpack();
        foreach (var (cin, cout, stride) in ProbeShapes)
            for (int trial = 0; trial < 3; trial++)
            {
                var error = ProbeError(cin, cout, stride, (ulong)(7919 * trial + 17));
                if (error is not null)
                {
                    SetOneDnnEnabled(false);
                    return new SelfCheck(false, $"{cin}→{cout} 3x3 stride {stride}: {error}");
                }
            }
        return new SelfCheck(true, $"{ProbeShapes.Length} shapes x 3 trials, forward and both gradients exact to float32 rounding");
    }

    /// <summary>Null when the float32 convolution and its two gradients are finite and within γ_n·Σ|products| of float64.</summary>
    private static string? ProbeError(int cin, int cout, int stride, ulong seed)
    {
        using var scope = torch.NewDisposeScope();
        using var gen = new Generator(seed);
        var x = torch.rand([4, cin, 8, 8], generator: gen);
        var w = torch.randn([cout, cin, 3, 3], generator: gen);
        long outSize = (8 + 2 - 3) / stride + 1;
        var g = torch.randn([4, cout, outSize, outSize], generator: gen);
        var got = ConvolutionAndGradients(ToChannelsLast(x), w, g, stride);
        var exact = ConvolutionAndGradients(x.to(ScalarType.Float64), w.to(ScalarType.Float64), g.to(ScalarType.Float64), stride);
        var bound = ConvolutionAndGradients(x.to(ScalarType.Float64).abs(), w.to(ScalarType.Float64).abs(), g.to(ScalarType.Float64).abs(), stride);
        string[] what = ["forward", "input gradient", "weight gradient"];
        long[] terms = [cin * 9, cout * 9, 4 * outSize * outSize];
        for (int i = 0; i < 3; i++)
        {
            if (!got[i].isfinite().all().ToBoolean()) return $"{what[i]} not finite";
            double gamma = terms[i] * RoundingBound.Float32UnitRoundoff / (1 - terms[i] * RoundingBound.Float32UnitRoundoff);
            double ratio = ((got[i].to(ScalarType.Float64) - exact[i]).abs() / (bound[i] * gamma + 1e-300)).max().ToDouble();
            if (ratio > 1) return $"{what[i]} off by {ratio:G3}x the rounding bound";
        }
        return null;
    }

    private static Tensor[] ConvolutionAndGradients(Tensor x, Tensor w, Tensor g, int stride)
    {
        using var enable = torch.enable_grad();
        var xi = x.detach().requires_grad_(true);
        var wi = w.detach().requires_grad_(true);
        var y = F.conv2d(xi, wi, strides: [stride, stride], padding: [1, 1]);
        var grads = torch.autograd.grad([y], [xi, wi], [g]);
        return [y.detach(), grads[0], grads[1]];
    }

    /// <summary>at::globalContext().setUserEnabledMkldnn(bool): libtorch has no C API for it and TorchSharp does not expose it.</summary>
    private static void SetOneDnnEnabled(bool enabled)
    {
        try
        {
            var context = GlobalContext();
            SetUserEnabledMkldnn(context, enabled);
            if (UserEnabledMkldnn(context) != enabled) throw new InvalidOperationException("the setting did not take");
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException or InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"oneDNN computes convolutions wrongly on this CPU and could not be switched off ({e.Message}); " +
                $"no figure computed here could be trusted", e);
        }
    }

    /// <summary>
    /// NNPACK cannot run on these CPUs, and every convolution that considers it prints "Could not
    /// initialize NNPACK! Reason: Unsupported hardware" to stderr; switching it off only silences that.
    /// </summary>
    private static void QuietNnpack()
    {
        try { SetUserEnabledNnpack(GlobalContext(), false); }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { }
    }

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledMkldnn(IntPtr context);
}

/// <summary>Rounding error bounds of float32 sums (Higham, Accuracy and Stability, Thm 3.5).</summary>
public static class RoundingBound
{
    public const double Float32UnitRoundoff = 1.0 / (1 << 24);
}
