using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Models;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Numerics.Models;

/// <summary>
/// ResNet-18's stride-2 convolutions pad as Haiku's SAME, checked against a closed form of which
/// input pixels each output reads. On an even axis of n pixels, output i of the 3x3 stride-2
/// convolution reads rows 2i..2i+2 (row n being the padding), and output i of the 1x1 stride-2
/// shortcut reads row 2i. Every route a model's convolution takes is checked: the forward pass,
/// the JVP's input tangent, and the unfolded input of the per-sample weight gradients.
/// </summary>
[Tier(TestTier.Fast)]
public class SamePaddingTests
{
    private const int N = 8, Out = N / 2;

    [Theory]
    [InlineData(32, 3, 2, 0, 1)]
    [InlineData(32, 3, 1, 1, 1)]
    [InlineData(32, 1, 2, 0, 0)]
    [InlineData(33, 3, 2, 1, 1)]
    [InlineData(7, 3, 1, 1, 1)]
    public void SamePadsToCeilOfSizeOverStrideWithTheOddPixelAfter(int size, int kernel, int stride, int before, int after) =>
        Assert.Equal((before, after), ConvPadding.Same.Amounts(size, kernel, stride));

    /// <summary>Every stride-2 convolution of ResNet-18, its weights all ones so that an output is the sum of the pixels it reads.</summary>
    private static (NtkModel Model, IReadOnlyList<ConvLayer> Convs) StrideTwoConvs()
    {
        var model = new ModelSpec(ModelSpec.ResNet18, 2, 10).Create(0);
        model.eval();
        var convs = model.modules().OfType<ConvLayer>().Where(c => c.Stride == 2).ToList();
        using (torch.no_grad())
            foreach (var c in convs) c.weight.fill_(1);
        return (model, convs);
    }

    /// <summary>A batch of N·N one-hot images: image r·N + c has a 1 at (row r, column c) of every channel.</summary>
    private static Tensor OneHots(long channels) =>
        torch.eye(N * N).reshape(N * N, 1, N, N).expand(N * N, channels, N, N).contiguous();

    /// <summary>expected[r·N + c, i, j]: whether output (i, j) reads input (r, c).</summary>
    private static Tensor Reads(int kernel)
    {
        var e = torch.zeros(N * N, Out, Out, dtype: ScalarType.Bool);
        for (int r = 0; r < N; r++)
            for (int c = 0; c < N; c++)
                for (int i = 0; i < Out; i++)
                    for (int j = 0; j < Out; j++)
                        if (r - 2 * i is var a && c - 2 * j is var b && a >= 0 && a < kernel && b >= 0 && b < kernel)
                            e[r * N + c, i, j] = true;
        return e;
    }

    private static void AssertSupport(Tensor response, ConvLayer conv, string route)
    {
        var got = response.abs().sum(1).gt(0); // (N·N, Out, Out)
        var expected = Reads((int)conv.weight.shape[2]);
        Assert.True(got.eq(expected).all().item<bool>(),
            $"{route} of the {conv.weight.shape[2]}x{conv.weight.shape[2]} stride-2 convolution reads other pixels than SAME's rows 2i..2i+k−1");
    }

    [Fact]
    public void TheForwardPassAndTheJvpReadSamesWindows()
    {
        using var scope = torch.NewDisposeScope();
        var (model, convs) = StrideTwoConvs();
        Assert.Contains(convs, c => c.weight.shape[2] == 3);
        Assert.Contains(convs, c => c.weight.shape[2] == 1);
        var jvp = new JvpAlgebra(model, model.ParameterList().Select(p => torch.zeros_like(p)).ToList());
        foreach (var conv in convs)
        {
            var x = OneHots(conv.weight.shape[1]);
            AssertSupport(conv.Apply(x, conv.weight, null), conv, "the forward pass");
            AssertSupport(jvp.Conv(conv, new Dual(torch.zeros_like(x), x)).Tangent!, conv, "the JVP's input tangent");
        }
    }

    [Fact]
    public void ThePerSampleWeightGradientsReadSamesWindows()
    {
        using var scope = torch.NewDisposeScope();
        var (_, convs) = StrideTwoConvs();
        foreach (var conv in convs)
        {
            var x = OneHots(conv.weight.shape[1]);
            var record = new RecordingAlgebra.Record(conv, x, conv.Apply(x, conv.weight, null));
            int k = (int)conv.weight.shape[2];
            var expected = Reads(k);
            for (int i = 0; i < Out; i++)
                for (int j = 0; j < Out; j++)
                {
                    // ∂y[o, i, j]/∂W[o, c, a, b] = x_padded[c, 2i + a, 2j + b]: nonzero for the one image whose pixel lies under tap (a, b).
                    var gradOutput = torch.zeros(N * N, conv.weight.shape[0], Out, Out);
                    gradOutput[TensorIndex.Colon, TensorIndex.Colon, i, j] = 1;
                    var (_, g) = RecordingAlgebra.ParameterGradients(record, gradOutput, new()).Single();
                    var read = g.abs().sum(1).gt(0);
                    Assert.True(read.eq(expected[TensorIndex.Colon, i, j]).all().item<bool>(),
                        $"the per-sample weight gradient at output ({i}, {j}) of the {k}x{k} stride-2 convolution reads other pixels than SAME's");
                }
        }
    }
}
