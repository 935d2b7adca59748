using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Util;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;

namespace NtkRepro.Tests.Numerics.Models;

[Tier(TestTier.Fast)]
public class CheckpointTests
{
    [Fact]
    public void RoundTripRestoresParametersAndBatchNormBuffersExactly()
    {
        var spec = new ModelSpec(ModelSpec.ResNet18, 4, 10);
        using var model = spec.Create(1);
        model.train();
        model.forward(torch.rand(8, 3, 32, 32)).Dispose(); // move the BN running statistics
        var path = Path.Combine(TestData.TempDir("ckpt"), "model.ckpt");
        Checkpoint.Save(model, path);
        using var loaded = Checkpoint.LoadModel(spec, path);
        var a = model.state_dict();
        var b = loaded.state_dict();
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        Assert.Contains(a.Keys, k => k.EndsWith("running_var"));
        Assert.All(a.Keys, k => Assert.True(a[k].BitEqual(b[k]), k));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.partial"));
    }

    [Fact]
    public void LoadingIntoTheWrongModelNamesTheFile()
    {
        var path = Path.Combine(TestData.TempDir("ckpt"), "small.ckpt");
        Checkpoint.Save(new ModelSpec(ModelSpec.SmallCnn, 4, 10).Create(0), path);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadModel(new ModelSpec(ModelSpec.ResNet18, 4, 10), path));
        Assert.Contains(path, e.Message);
    }
}

[Tier(TestTier.Fast)]
public class ModuleRegistrationTests
{
    [Theory]
    [InlineData(ModelSpec.SmallCnn)]
    [InlineData(ModelSpec.ResNet18)]
    public void WrappingOrMovingAModelDoesNotAddStateEntries(string arch)
    {
        using var model = new ModelSpec(arch, 2, 10).Create(0);
        var keys = model.state_dict().Keys.ToList();
        using var classifier = new NtkRepro.Numerics.Linearization.StandardClassifier(model);
        model.to(torch.float64);
        model.to(torch.float32);
        Assert.Equal(keys, model.state_dict().Keys.ToList());
        Assert.DoesNotContain(keys, k => k.Contains('_') && !k.Contains("running") && !k.Contains("hidden") && !k.Contains("num_batches") && !k.Contains("shortcut"));
    }
}
