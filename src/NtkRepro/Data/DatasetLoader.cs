
namespace NtkRepro.Data;

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
        var root = DataRoot.Resolve(dataOption) ?? throw new ArgumentException(DataRoot.NotFoundHelp);
        var source = CifarSource.Find(root.Path, spec.Dataset);
        if (source is null)
        {
            var found = CifarSource.FindAll(root.Path).Select(s => s.Name).ToList();
            throw new ArgumentException($"dataset '{spec.Dataset}' not found in data root {root.Path} (it holds: {(found.Count == 0 ? "nothing recognised" : string.Join(", ", found))})");
        }
        return (source.LoadTrain(spec.TrainPerClass), source.LoadTest(spec.TestCount));
    }
}
