namespace NtkRepro.Numerics.Statistics;

/// <summary>
/// Which test images each replicate classified correctly (1) or not (0), replicates × images, and
/// the accuracy estimate it gives with both sources of noise: the training randomness (between
/// replicates) and the finite test set (between images). As a two-way layout x_ij = μ + a_i + b_j + e_ij,
/// the mean's variance is σ_a²/k + σ_b²/n + σ_e²/(kn); the variance of the replicate means
/// estimates σ_a² + σ_e²/n and that of the image means σ_b² + σ_e²/k, so
/// SE² = s²(replicate means)/k + s²(image means)/n, a slightly conservative estimate, with
/// Welch–Satterthwaite degrees of freedom. With one replicate it is the test set's binomial error alone.
/// A difference of two classifiers is the same estimate of the element-wise differences.
/// </summary>
public sealed class CorrectnessMatrix
{
    private readonly double[][] _rows;

    public CorrectnessMatrix(IReadOnlyList<double[]> rows)
    {
        if (rows.Count == 0) throw new ArgumentException("no replicate");
        int n = rows[0].Length;
        if (n == 0 || rows.Any(r => r.Length != n))
            throw new ArgumentException($"every replicate must score the same non-empty test set (lengths: {string.Join(", ", rows.Select(r => r.Length))})");
        _rows = rows.ToArray();
    }

    public static CorrectnessMatrix From(IReadOnlyList<Correctness> replicates) => new(replicates.Select(c => c.ToDoubles()).ToList());

    public int Replicates => _rows.Length;
    public int Images => _rows[0].Length;

    /// <summary>Element-wise Σ_t w_t · M_t, replicate i paired with replicate i (a contrast of several figures on the same images).</summary>
    public static CorrectnessMatrix Weighted(IReadOnlyList<double> weights, IReadOnlyList<CorrectnessMatrix> matrices)
    {
        if (weights.Count != matrices.Count || matrices.Count == 0) throw new ArgumentException($"{weights.Count} weights for {matrices.Count} correctness matrices");
        var first = matrices[0];
        if (matrices.Any(m => m.Replicates != first.Replicates || m.Images != first.Images))
            throw new ArgumentException($"cannot pair correctness of shapes {string.Join(", ", matrices.Select(m => $"{m.Replicates}x{m.Images}"))}");
        return new(Enumerable.Range(0, first.Replicates).Select(i =>
            Enumerable.Range(0, first.Images).Select(j => matrices.Select((m, t) => weights[t] * m._rows[i][j]).Sum()).ToArray()).ToList());
    }

    /// <summary>Element-wise this − other, replicate i paired with replicate i.</summary>
    public CorrectnessMatrix Minus(CorrectnessMatrix other)
    {
        if (other.Replicates != Replicates || other.Images != Images)
            throw new ArgumentException($"cannot pair {Replicates}x{Images} with {other.Replicates}x{other.Images} correctness");
        return new(_rows.Zip(other._rows, (a, b) => a.Zip(b, (x, y) => x - y).ToArray()).ToList());
    }

    public Estimate Estimate()
    {
        int k = Replicates, n = Images;
        var replicateMeans = _rows.Select(r => r.Average()).ToList();
        var imageMeans = Enumerable.Range(0, n).Select(j => _rows.Average(r => r[j])).ToArray();
        double mean = replicateMeans.Average();
        double imageVar = Variance(imageMeans) / n;
        if (k == 1) return new Estimate(mean, Math.Sqrt(imageVar), imageVar > 0 ? n - 1 : 0, replicateMeans);
        double replicateVar = Variance(replicateMeans) / k;
        double total = replicateVar + imageVar;
        if (total == 0) return new Estimate(mean, 0, 0, replicateMeans);
        double dof = total * total / (replicateVar * replicateVar / (k - 1) + imageVar * imageVar / (n - 1));
        return new Estimate(mean, Math.Sqrt(total), dof, replicateMeans);
    }

    private static double Variance(IReadOnlyList<double> v)
    {
        double m = v.Average();
        return v.Sum(x => (x - m) * (x - m)) / (v.Count - 1);
    }
}
