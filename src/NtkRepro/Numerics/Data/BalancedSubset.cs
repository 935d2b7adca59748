namespace NtkRepro.Numerics.Data;

/// <summary>
/// A seeded, class-balanced sample of indices: <c>perClass</c> points of each requested class,
/// grouped by class (class order as given), random within a class. The paper's kernel subset is
/// 50 points of each CIFAR-10 class (N = 500).
/// </summary>
public static class BalancedSubset
{
    public static long[] Sample(IReadOnlyList<long> labels, int perClass, int seed, IReadOnlyList<int>? classes = null)
    {
        if (perClass <= 0) throw new ArgumentOutOfRangeException(nameof(perClass), perClass, "must be positive");
        classes ??= labels.Distinct().Order().Select(l => (int)l).ToList();
        var rng = new Random(seed);
        var result = new List<long>(perClass * classes.Count);
        foreach (var c in classes)
        {
            var members = Enumerable.Range(0, labels.Count).Where(i => labels[i] == c).Select(i => (long)i).ToArray();
            if (members.Length < perClass)
                throw new ArgumentException($"class {c} has {members.Length} points, fewer than the {perClass} requested");
            rng.Shuffle(members);
            result.AddRange(members.Take(perClass).Order());
        }
        return result.ToArray();
    }
}
