using NtkRepro.Attacks;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Attacks;

[Trait("Tier", Tiers.Fast)]
public class MaskingChecksTests
{
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
        Assert.Equal(2, MaskingChecks.SweepInversions(["10101", "11000", "01100"]));
        Assert.Equal(0, MaskingChecks.SweepInversions(["111", "110", "000"]));
        Assert.Equal(0, MaskingChecks.SweepInversions([]));
        Assert.Throws<ArgumentException>(() => MaskingChecks.SweepInversions(["11", "1"]));
    }

    [Fact]
    public void TransferOnlyBreaksArePairedImageByImage()
    {
        // Same accuracies (2 of 4) but two images swap: the transfer attack broke two the white-box attacks did not.
        Assert.Equal(2, MaskingChecks.TransferOnlyBreaks("1100", "0011"));
        Assert.Equal(0, MaskingChecks.TransferOnlyBreaks("1100", "1101"));
        Assert.Equal("0100", MaskingChecks.WorstCase(["1101", "0110", "1100"]));
    }

    [Fact]
    public void FailuresFireOnlyBeyondTheirThresholds()
    {
        double[] radii = [1 / 255.0, 32 / 255.0];
        string[] monotone = ["1111111111", "0000000000"];
        Assert.Empty(MaskingChecks.Failures(10, zeroGradientImages: 1, radii, monotone, 0.05, transferOnlyBreaks: 1));
        var all = MaskingChecks.Failures(10, zeroGradientImages: 2, radii, ["0011111111", "1100000001"], 0.05, transferOnlyBreaks: 2);
        Assert.Equal(4, all.Count);
        Assert.StartsWith("input gradient exactly zero on 2 of 10", all[0]);
        Assert.StartsWith("ε sweep not monotone: 2 of 10", all[1]);
        Assert.StartsWith("accuracy 30.0% at the largest sweep radius ε=32/255", all[2]);
        Assert.StartsWith("transfer beats white-box: 2 of 10", all[3]);
        // 1 of 20 robust at the largest radius is exactly 5%: allowed.
        Assert.Empty(MaskingChecks.Failures(20, 0, [32 / 255.0], ["10000000000000000000"], 0.05, null));
    }
}
