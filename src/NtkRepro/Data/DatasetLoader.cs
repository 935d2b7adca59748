
namespace NtkRepro.Data;

/// <summary>Loads the train and test sets a <see cref="DataSpec"/> names.</summary>
public static class DatasetLoader
{
    public const string Synthetic = "synthetic";

    public static (LabeledImages Train, LabeledImages Test) Load(DataSpec spec, string? dataOption = null)
    {
        if (spec.Dataset == Synthetic)
        {
            int test = spec.TestCount ?? 1000;
            if (test % 10 != 0) throw new ArgumentException($"synthetic test count {test}: must be a multiple of 10");
            return SyntheticCifar.Create(spec.TrainPerClass ?? 500, test / 10);
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
