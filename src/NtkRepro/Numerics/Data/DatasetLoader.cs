
namespace NtkRepro.Numerics.Data;

/// <summary>Loads the train and test sets a <see cref="DataSpec"/> names.</summary>
public static class DatasetLoader
{
    public const string Synthetic = "synthetic";

    /// <summary>
    /// A synthetic 100-class stand-in for CIFAR-100 where it is not at hand: it runs CIFAR-100's
    /// code path (a 100-class head, kernels on classes 0–9) and, like <see cref="Synthetic"/>, tests no claim.
    /// </summary>
    public const string Synthetic100 = "synthetic100";

    public static bool IsSynthetic(string dataset) => dataset is Synthetic or Synthetic100;

    /// <summary>The classes of a dataset: what the network's head has.</summary>
    public static int Classes(string dataset) => dataset is CifarSource.Cifar100 or Synthetic100 ? 100 : 10;

    public static (LabeledImages Train, LabeledImages Test) Load(DataSpec spec, string? dataOption = null)
    {
        if (IsSynthetic(spec.Dataset))
        {
            int classes = Classes(spec.Dataset), test = spec.TestCount ?? 1000;
            if (test % classes != 0) throw new ArgumentException($"{spec.Dataset} test count {test}: must be a multiple of {classes}");
            return SyntheticCifar.Create(spec.TrainPerClass ?? 500, test / classes, classes);
        }
        var source = Require(spec.Dataset, dataOption);
        return (source.LoadTrain(spec.TrainPerClass), source.LoadTest(spec.TestCount));
    }

    /// <summary>Where a real dataset is found, or an error naming the data root, how it was found and what it holds.</summary>
    public static CifarSource Require(string dataset, string? dataOption = null)
    {
        var root = DataRoot.Resolve(dataOption) ?? throw new ArgumentException(DataRoot.NotFoundHelp);
        if (CifarSource.Find(root.Path, dataset) is { } source) return source;
        var found = CifarSource.FindAll(root.Path).Select(s => s.Name).ToList();
        throw new ArgumentException($"dataset '{dataset}' not found in data root {root.Path} " +
            $"(from the {root.HowFound}; it holds: {(found.Count == 0 ? "nothing recognised" : string.Join(", ", found))})");
    }
}
