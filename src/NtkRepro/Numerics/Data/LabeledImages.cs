using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Data;

/// <summary>
/// Images as a float tensor in [0,1], NCHW (N,3,32,32), with int64 labels; owns its tensors.
/// </summary>
public sealed class LabeledImages : IDisposable
{
    public LabeledImages(Tensor images, Tensor labels, int classes, string description)
    {
        if (images.dim() != 4 || labels.dim() != 1 || images.shape[0] != labels.shape[0])
            throw new ArgumentException($"{description}: images must be NCHW and labels N (got {Shape(images)} and {Shape(labels)})");
        Images = images;
        Labels = labels;
        Classes = classes;
        Description = description;
    }

    public Tensor Images { get; }
    public Tensor Labels { get; }
    public int Classes { get; }
    public string Description { get; }
    public int Count => (int)Images.shape[0];

    /// <summary>A copy holding only the given rows, in the given order.</summary>
    public LabeledImages Select(IReadOnlyList<long> indices, string description)
    {
        using var idx = torch.tensor(indices.ToArray(), ScalarType.Int64, Images.device);
        return new LabeledImages(Images.index_select(0, idx), Labels.index_select(0, idx), Classes, description);
    }

    public LabeledImages To(Device device) =>
        new(Images.to(device), Labels.to(device), Classes, Description);

    public long[] LabelArray() => Labels.cpu().data<long>().ToArray();

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }

    private static string Shape(Tensor t) => $"[{string.Join(",", t.shape)}]";
}
