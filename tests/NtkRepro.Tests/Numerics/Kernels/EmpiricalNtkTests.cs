using NtkRepro.Numerics.Kernels;
using NtkRepro.Numerics.Models;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static NtkRepro.Tests.Infrastructure.TestNets;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Numerics.Kernels;

[Tier(TestTier.Fast)]
public class EmpiricalNtkTests
{
    [Fact]
    public void LinearModelKernelHasTheClosedForm()
    {
        // f(x) = W·vec(x) + b: K_{c,c'}(x, x') = δ_cc' (xᵀx' + 1).
        using var model = LinearNet(classes: 3);
        model.eval();
        using var x = torch.rand(5, 3, 32, 32, dtype: float64);
        using var k = EmpiricalNtk.Full(model, x);
        using var gram = torch.mm(x.flatten(1), x.flatten(1).T) + 1;
        for (int c = 0; c < 3; c++)
            for (int cp = 0; cp < 3; cp++)
                Assert.True(RelErr(k[c, cp], c == cp ? gram : torch.zeros_like(gram)) < 1e-12 || (c != cp && MaxAbs(k[c, cp]) < 1e-9), $"block {c},{cp}");
    }

    [Theory]
    [InlineData("small-cnn")]
    [InlineData("resnet18")]
    [InlineData("pool")]
    public void GradientRowsAndJvpRoutesAgree(string net)
    {
        using var model = ByName(net);
        using var x = torch.rand(4, 3, 32, 32, dtype: float64);
        using var rows = EmpiricalNtk.Full(model, x);
        using var jvp = EmpiricalNtk.FullByJvp(model, x);
        Assert.True(RelErr(rows, jvp) < 1e-10, $"{net}: routes differ by {RelErr(rows, jvp)}");
    }

    [Fact]
    public void BlockSizeDoesNotChangeTheKernel()
    {
        using var model = SmallCnn();
        using var x = torch.rand(7, 3, 32, 32, dtype: float64);
        using var whole = EmpiricalNtk.ClassBlocks(model, x, new(BlockSize: 7));
        using var blocked = EmpiricalNtk.ClassBlocks(model, x, new(BlockSize: 3));
        using var single = EmpiricalNtk.ClassBlocks(model, x, new(BlockSize: 1));
        using var perClass = EmpiricalNtk.ClassBlocks(model, x, new(MemoryBudgetBytes: 1)); // forces one class at a time
        using var full = EmpiricalNtk.Full(model, x, new(BlockSize: 2));
        Assert.True(RelErr(blocked, whole) < 1e-12);
        Assert.True(RelErr(single, whole) < 1e-12);
        Assert.True(RelErr(perClass, whole) < 1e-12);
        for (int c = 0; c < 3; c++) Assert.True(RelErr(full[c, c], whole[c]) < 1e-12);
        using var pair = EmpiricalNtk.ClassPair(model, x, 0, 2, new(BlockSize: 3));
        Assert.True(RelErr(pair, full[0, 2]) < 1e-12);
    }

    [Fact]
    public void KernelIsSymmetricPositiveSemiDefinite()
    {
        using var model = ResNet();
        using var x = torch.rand(6, 3, 32, 32, dtype: float64);
        using var full = EmpiricalNtk.Full(model, x);
        // The whole CN x CN matrix: entry ((c,i),(c',j)).
        using var m = full.permute(0, 2, 1, 3).reshape(18, 18);
        Assert.True(MaxAbs(m - m.T) < 1e-10 * MaxAbs(m));
        Assert.True(torch.linalg.eigvalsh(m).min().ToDouble() > -1e-10 * MaxAbs(m));
    }

    [Fact]
    public void TraceKernelIsTheMeanOfTheClassBlocks()
    {
        using var blocks = torch.rand(4, 3, 3, dtype: float64);
        Assert.True(RelErr(EmpiricalNtk.Trace(blocks), (blocks[0] + blocks[1] + blocks[2] + blocks[3]) / 4) < 1e-15);
    }

    [Fact]
    public void AtInitialisationOnlyTheHeadHasGradient()
    {
        // The zero-initialised head: every row is zero outside the head's parameters.
        using var model = new ModelSpec(ModelSpec.SmallCnn, 4, 10).Create(0);
        model.eval();
        using var x = torch.rand(2, 3, 32, 32);
        using var rows = PerSampleGradients.Rows(model, x, [0, 3]);
        long head = model.named_parameters().Where(p => p.name.StartsWith("linear.")).Sum(p => p.parameter.numel());
        long body = rows.shape[2] - head;
        Assert.Equal(0f, rows[.., .., ..(int)body].abs().max().item<float>());
        Assert.True(rows[.., .., (int)body..].abs().max().item<float>() > 0);
        Assert.False(rows.requires_grad, "Jacobian rows are data: a graph back to the activations would make any later gradient through a kernel fail");
    }

    [Fact]
    public void TrainModeIsRejected()
    {
        using var model = new ModelSpec(ModelSpec.SmallCnn, 4, 10).Create(0);
        model.train();
        Assert.Throws<InvalidOperationException>(() => EmpiricalNtk.ClassBlocks(model, torch.rand(2, 3, 32, 32)));
    }
}

[Tier(TestTier.Fast)]
public class PerSampleGradientsTests
{
    [Theory]
    [MemberData(nameof(TestNets.AllNets), MemberType = typeof(TestNets))]
    public void BatchedRowsMatchTheSampleBySampleReference(string net)
    {
        using var model = ByName(net);
        using var x = torch.rand(5, 3, 32, 32, dtype: float64);
        using var fast = PerSampleGradients.Rows(model, x, [2, 0]);
        using var naive = PerSampleGradients.RowsBySample(model, x, [2, 0]);
        Assert.True(RelErr(fast, naive) < 1e-12, $"{net}: {RelErr(fast, naive)}");
    }
}
