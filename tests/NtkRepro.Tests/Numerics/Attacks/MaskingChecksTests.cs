using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Statistics;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Numerics.Attacks;

[Tier(TestTier.Fast)]
public class MaskingChecksTests
{
    private static Correctness C(string bits) => Correctness.Parse(bits);

    [Fact]
    public void ToleranceIsOneImageInAHundredAndAtLeastOne()
    {
        Assert.Equal(1, MaskingChecks.Tolerance(20));
        Assert.Equal(1, MaskingChecks.Tolerance(199));
        Assert.Equal(2, MaskingChecks.Tolerance(200));
        Assert.Equal(100, MaskingChecks.Tolerance(10000));
    }

    [Fact]
    public void AnImageRobustAtALargerRadiusAfterBeingBrokenIsAnInversion()
    {
        // image 0: 1,1,0 (monotone) ; 1: 0,1,1 (inversion) ; 2: 1,0,1 (inversion) ; 3: 0,0,0 ; 4: 1,0,0
        Assert.Equal(2, MaskingChecks.SweepInversions([C("10101"), C("11000"), C("01100")]));
        Assert.Equal(0, MaskingChecks.SweepInversions([C("111"), C("110"), C("000")]));
        Assert.Equal(0, MaskingChecks.SweepInversions([]));
        Assert.Throws<ArgumentException>(() => MaskingChecks.SweepInversions([C("11"), C("1")]));
    }

    [Fact]
    public void TransferOnlyBreaksArePairedImageByImage()
    {
        // Same accuracies (2 of 4) but two images swap: the transfer attack broke two the white-box attacks did not.
        Assert.Equal(2, MaskingChecks.TransferOnlyBreaks(C("1100"), C("0011")));
        Assert.Equal(0, MaskingChecks.TransferOnlyBreaks(C("1100"), C("1101")));
        Assert.Equal(C("0100"), MaskingChecks.WorstCase([C("1101"), C("0110"), C("1100")]));
    }

    [Fact]
    public void FailuresFireOnlyBeyondTheirThresholds()
    {
        double[] radii = [1 / 255.0, 32 / 255.0];
        Correctness[] monotone = [C("1111111111"), C("0000000000")];
        Assert.Empty(MaskingChecks.Failures(10, zeroGradientImages: 1, radii, monotone, 0.05));
        var all = MaskingChecks.Failures(10, zeroGradientImages: 2, radii, [C("0011111111"), C("1100000001")], 0.05);
        Assert.Equal(3, all.Count);
        Assert.StartsWith("input gradient exactly zero on 2 of 10", all[0]);
        Assert.StartsWith("ε sweep not monotone: 2 of 10", all[1]);
        Assert.StartsWith("accuracy 30.0% at the largest sweep radius ε=32/255", all[2]);
        // 1 of 20 robust at the largest radius is exactly 5%: allowed.
        Assert.Empty(MaskingChecks.Failures(20, 0, [32 / 255.0], [C("10000000000000000000")], 0.05));
    }

    [Fact]
    public void TheStrongestWhiteBoxAttackAloneIsCountedAmongAllAttacksIncludingTheTransfer()
    {
        // Images: 0 broken by A only; 1 by A and the transfer; 2 by B only; 3 by A only; 4 by the transfer only; 5 by all.
        var a = C("001010");
        var b = C("110110");
        var transfer = C("101100");
        Assert.Equal(2, MaskingChecks.StrongestWhiteBoxOnlyBreaks([a, b], transfer));
        Assert.Equal(1, MaskingChecks.TransferOnlyBreaks(MaskingChecks.WorstCase([a, b]), transfer));
        // Alone among all attacks: with no transfer break, B's own image counts too.
        Assert.Equal(1, MaskingChecks.StrongestWhiteBoxOnlyBreaks([b], C("111110")));
    }

    /// <summary>Naive oracle: Σ_{i ≥ k} C(n, i) / 2ⁿ in exact integers.</summary>
    private static double NaiveUpperTail(int k, int n)
    {
        System.Numerics.BigInteger sum = 0, choose = 1;
        for (int i = 0; i <= n; i++)
        {
            if (i >= k) sum += choose;
            choose = choose * (n - i) / (i + 1);
        }
        return (double)sum / (double)System.Numerics.BigInteger.Pow(2, n);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 7)]
    [InlineData(5, 5)]
    [InlineData(3, 4)]
    [InlineData(10, 13)]
    [InlineData(40, 60)]
    [InlineData(150, 200)]
    [InlineData(600, 1000)]
    public void TheBinomialTailMatchesExactIntegerArithmetic(int k, int n)
    {
        double expected = NaiveUpperTail(k, n), actual = MaskingChecks.BinomialUpperTail(k, n);
        Assert.True(Math.Abs(actual - expected) <= 1e-12 + 1e-9 * expected, $"P(X ≥ {k}), n = {n}: {actual} vs exact {expected}");
        Assert.Equal(0.0, MaskingChecks.BinomialUpperTail(n + 1, n));
    }

    [Fact]
    public void TheTransferCheckFlagsATransferAttackThatAloneBreaksFarMoreThanTheWhiteBoxSuite()
    {
        // Closed forms: 7 : 0 is p = 2⁻⁷ < 0.01; 6 : 0 is 2⁻⁶ > 0.01.
        var blind = MaskingChecks.CompareTransfer([(4, 0), (3, 0)]);
        Assert.Equal(1.0 / 128, blind.PValue, 12);
        Assert.True(blind.TransferStronger);
        Assert.Contains("transfer beats white-box", blind.Describe());
        Assert.False(MaskingChecks.CompareTransfer([(6, 0)]).TransferStronger);
        // A few transfer-only images per replicate, as many as the white-box attacks find alone: attack diversity, not masking.
        var diverse = MaskingChecks.CompareTransfer([(5, 6), (8, 4), (1, 5), (5, 2)]);
        Assert.Equal((4, 19, 17), (diverse.Replicates, diverse.TransferOnly, diverse.WhiteBoxOnly));
        Assert.False(diverse.TransferStronger, diverse.Describe());
        Assert.Equal(1.0, MaskingChecks.CompareTransfer([(0, 0)]).PValue);
    }
}
