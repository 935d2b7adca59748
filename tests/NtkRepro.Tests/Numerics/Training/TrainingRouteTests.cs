using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Training;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Numerics.Training;

[Tier(TestTier.Fast)]
public class TrainingRouteTests
{
    private const long Mini = 5000L * 10 * 33626 * 4;

    [Theory]
    [InlineData(Dynamics.Linearized, false, Mini, 100, TrainingRoute.CachedJacobian)]
    [InlineData(Dynamics.Centered, false, Mini, TrainingRoutes.MinCachedJacobianEpochs, TrainingRoute.CachedJacobian)]
    [InlineData(Dynamics.Centered, false, Mini, TrainingRoutes.MinCachedJacobianEpochs - 1, TrainingRoute.ForwardPass)] // too short to pay for the rows
    [InlineData(Dynamics.Centered, false, TrainingRoutes.MaxCachedJacobianBytes + 1, 100, TrainingRoute.ForwardPass)] // ResNet-18 sizes
    [InlineData(Dynamics.Centered, true, Mini, 100, TrainingRoute.ForwardPass)]
    [InlineData(Dynamics.Standard, false, 0, 100, TrainingRoute.ForwardPass)]
    public void AutoCachesTheRowsOfLongBenignLinearChildrenThatFit(Dynamics dynamics, bool adversarial, long bytes, int epochs, TrainingRoute expected) =>
        Assert.Equal(expected, TrainingRoutes.Resolve(TrainingRoute.Auto, dynamics, adversarial, bytes, epochs));

    [Fact]
    public void ARequestedRouteIsKeptWhereItWorksAndRefusedWhereItCannot()
    {
        Assert.Equal(TrainingRoute.ForwardPass, TrainingRoutes.Resolve(TrainingRoute.ForwardPass, Dynamics.Centered, false, Mini, 100));
        Assert.Equal(TrainingRoute.CachedJacobian, TrainingRoutes.Resolve(TrainingRoute.CachedJacobian, Dynamics.Linearized, false, 2 * TrainingRoutes.MaxCachedJacobianBytes, 1));
        var e = Assert.Throws<ArgumentException>(() => TrainingRoutes.Resolve(TrainingRoute.CachedJacobian, Dynamics.Centered, true, Mini, 100));
        Assert.Contains("input gradients", e.Message);
        Assert.Throws<ArgumentException>(() => TrainingRoutes.Check(TrainingRoute.CachedJacobian, Dynamics.Standard, false));
    }
}
