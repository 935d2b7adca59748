using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Runs;
using NtkRepro.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NtkRepro.Tests.Pipeline.Runs;

[Tier(TestTier.Fast)]
public class TensorArchiveTests
{
    [Fact]
    public void TensorsRoundTripExactlyAndNothingIsLeftForTheFinalizer()
    {
        var original = new Dictionary<string, Tensor> { ["a"] = torch.randn(3, 4), ["b"] = torch.arange(5, dtype: float32) };
        // Counted with the garbage collector held off: a finalizer of an earlier test's garbage
        // would otherwise change the global count meanwhile.
        long left = NativeFootprint.TensorsLeftBy(() =>
        {
            var bytes = TensorArchive.TensorsBytes(original);
            var back = TensorArchive.ReadTensors(bytes, original.ToDictionary(kv => kv.Key, kv => kv.Value.shape), "test");
            using (torch.NewDisposeScope())
                Assert.All(original, kv => Assert.True(kv.Value.to(back[kv.Key].dtype).BitEqual(back[kv.Key]), kv.Key));
            foreach (var t in back.Values) t.Dispose();
        });
        Assert.Equal(0, left);
    }
}
