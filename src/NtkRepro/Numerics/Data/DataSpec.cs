namespace NtkRepro.Numerics.Data;

/// <summary>Which data a run trains and evaluates on.</summary>
/// <param name="Dataset">cifar10, cifar100 or synthetic.</param>
/// <param name="TrainPerClass">The first m training images of each class; null for all.</param>
/// <param name="TestCount">The first n test images; null for all.</param>
public sealed record DataSpec(string Dataset, int? TrainPerClass, int? TestCount)
{
    public override string ToString() =>
        $"{Dataset} ({(TrainPerClass is { } m ? $"{m}/class" : "all")} train, {(TestCount is { } n ? n.ToString() : "all")} test)";
}
