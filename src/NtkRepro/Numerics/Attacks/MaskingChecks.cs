using NtkRepro.Numerics.Statistics;

namespace NtkRepro.Numerics.Attacks;

/// <summary>
/// The decision rules of <see cref="AttackSuite"/>. They rest on one fact: every attack on an
/// image searches the same ε-ball around it (the sweep's larger balls contain the smaller ones;
/// the transfer attack's points lie in the white-box ball), so an image that one attack breaks
/// and a stronger or equally placed one does not is an attack failure, not noise in the test set.
/// The per-replicate checks count such images, paired image by image, and allow
/// <see cref="Tolerance"/> of them: one image in a hundred, and at least one, for the attacks' own
/// randomness (random starts, fixed step counts) without hiding a systematic failure.
/// The transfer check is not per replicate: which replicate's transfer attack finds a few images
/// the white-box suite missed changes with floating-point rounding, because different attacks
/// always break a few different images. So the transfer attack is compared with the suite's own
/// attacks, pooled over a figure's replicates (<see cref="CompareTransfer"/>); docs/methodology.md
/// says when this rule was set.
/// An image is robust-correct when it is classified correctly both clean and at the attack's
/// point (the clean image is in every ball).
/// </summary>
public static class MaskingChecks
{
    /// <summary>Images of <paramref name="count"/> that a check allows to contradict it: max(1, ⌊count/100⌋).</summary>
    public static int Tolerance(int count) => Math.Max(1, count / 100);

    /// <summary>
    /// Images robust-correct at some sweep radius although broken at a smaller one
    /// (<paramref name="correctByRadius"/> in ascending radius order). A point in the small ball is
    /// in the large one, so each such image is a failure of the attack at the larger radius.
    /// </summary>
    public static int SweepInversions(IReadOnlyList<Correctness> correctByRadius)
    {
        if (correctByRadius.Count == 0) return 0;
        int n = SameLength(correctByRadius);
        int inversions = 0;
        for (int i = 0; i < n; i++)
        {
            bool brokenBefore = false;
            foreach (var bits in correctByRadius)
            {
                if (!bits[i]) brokenBefore = true;
                else if (brokenBefore) { inversions++; break; }
            }
        }
        return inversions;
    }

    /// <summary>Images robust-correct under the white-box worst case that the transfer attack breaks: each is a white-box failure.</summary>
    public static int TransferOnlyBreaks(Correctness whiteBoxCorrect, Correctness transferCorrect) => whiteBoxCorrect.AndNot(transferCorrect).Correct;

    /// <summary>Per image the minimum: correct only where every attack left the image correct.</summary>
    public static Correctness WorstCase(IReadOnlyList<Correctness> correctByAttack)
    {
        SameLength(correctByAttack);
        return Correctness.All(correctByAttack);
    }

    /// <summary>
    /// One phrase per failed per-replicate check: (1) input gradient exactly zero on more than the
    /// tolerance; (2) more sweep inversions than the tolerance; (3) accuracy at the largest sweep
    /// radius above <paramref name="maxAccuracyAtLargestRadius"/>. The transfer attack is judged per
    /// figure (<see cref="CompareTransfer"/>).
    /// </summary>
    public static List<string> Failures(int count, int zeroGradientImages, IReadOnlyList<double> radii, IReadOnlyList<Correctness> sweepCorrect,
        double maxAccuracyAtLargestRadius)
    {
        int tolerance = Tolerance(count);
        var failures = new List<string>();
        if (zeroGradientImages > tolerance)
            failures.Add($"input gradient exactly zero on {zeroGradientImages} of {count} images (tolerance {tolerance}): the attacks are blind there");
        int inversions = SweepInversions(sweepCorrect);
        if (inversions > tolerance)
            failures.Add($"ε sweep not monotone: {inversions} of {count} images robust at a larger radius after being broken at a smaller one (tolerance {tolerance})");
        if (radii.Count > 0)
        {
            double last = sweepCorrect[^1].Accuracy;
            if (last > maxAccuracyAtLargestRadius)
                failures.Add($"accuracy {last * 100:0.0}% at the largest sweep radius ε={radii[^1] * 255:0.##}/255 is above {maxAccuracyAtLargestRadius * 100:0.0}%");
        }
        return failures;
    }

    /// <summary>
    /// Images that one white-box attack alone breaks, among all the suite's attacks and the transfer
    /// attack, for the white-box attack with the most: how much an attack of the suite adds to the
    /// others. It is the transfer attack's yardstick (<see cref="CompareTransfer"/>).
    /// </summary>
    public static int StrongestWhiteBoxOnlyBreaks(IReadOnlyList<Correctness> whiteBoxCorrect, Correctness transferCorrect)
    {
        SameLength(whiteBoxCorrect.Append(transferCorrect).ToList());
        return whiteBoxCorrect.Select((bits, j) =>
            Correctness.All(whiteBoxCorrect.Where((_, k) => k != j).Append(transferCorrect).ToList()).AndNot(bits).Correct).DefaultIfEmpty(0).Max();
    }

    /// <summary>
    /// The transfer check's significance level: a figure is flagged when, pooled over its
    /// replicates, the transfer attack alone breaks more images than the strongest white-box attack
    /// alone does, with a one-sided sign-test p below this. 0.01 per figure keeps the chance of
    /// flagging any of a variant's 5–10 transfer figures by noise alone near 5–10%.
    /// </summary>
    public const double TransferAlpha = 0.01;

    /// <summary>
    /// Whether the transfer attack beats the white-box suite on a figure, pooled over its replicates
    /// (each: <see cref="MaskingReport.TransferOnlyBreaks"/>, <see cref="MaskingReport.StrongestWhiteBoxOnlyBreaks"/>).
    /// If the transfer attack were one more attack no stronger than the suite's strongest, an image
    /// that exactly one of the two breaks alone would be as likely the transfer's as the white-box
    /// attack's: the transfer's count is then Binomial(sum, ½), and p = P(X ≥ transfer-only).
    /// A masked gradient leaves the white-box attacks blind together, so the transfer attack alone
    /// breaks many images and no white-box attack alone breaks any.
    /// </summary>
    public static TransferComparison CompareTransfer(IReadOnlyList<(int TransferOnly, int WhiteBoxOnly)> replicates)
    {
        int transfer = replicates.Sum(r => r.TransferOnly), whiteBox = replicates.Sum(r => r.WhiteBoxOnly);
        return new TransferComparison(replicates.Count, transfer, whiteBox, BinomialUpperTail(transfer, transfer + whiteBox));
    }

    /// <summary>P(X ≥ k) for X ~ Binomial(n, ½); 1 when n = 0.</summary>
    public static double BinomialUpperTail(int k, int n)
    {
        if (k <= 0) return 1;
        if (k > n) return 0;
        // Terms C(n, i)/2ⁿ by the ratio C(n, i+1)/C(n, i) = (n − i)/(i + 1), from i = k, in logs so that large n cannot overflow.
        double logTerm = LogChoose(n, k) - n * Math.Log(2), sum = 0;
        for (int i = k; i <= n; i++)
        {
            sum += Math.Exp(logTerm);
            logTerm += Math.Log((double)(n - i) / (i + 1));
        }
        return Math.Min(1, sum);
    }

    private static double LogChoose(int n, int k)
    {
        double s = 0;
        for (int i = 1; i <= k; i++) s += Math.Log((double)(n - k + i) / i);
        return s;
    }

    private static int SameLength(IReadOnlyList<Correctness> each)
    {
        if (each.Count == 0) return 0;
        int n = each[0].Count;
        if (each.Any(b => b.Count != n))
            throw new ArgumentException($"correctness of different lengths: {string.Join(", ", each.Select(b => b.Count))}");
        return n;
    }
}

/// <summary>
/// The transfer check of one figure, pooled over <see cref="Replicates"/>: images the transfer
/// attack alone broke, images the strongest white-box attack alone broke, and the one-sided
/// sign-test p that the transfer attack is the stronger (<see cref="MaskingChecks.CompareTransfer"/>).
/// </summary>
public sealed record TransferComparison(int Replicates, int TransferOnly, int WhiteBoxOnly, double PValue)
{
    public bool TransferStronger => PValue < MaskingChecks.TransferAlpha;

    public string Describe() =>
        $"transfer attack alone broke {TransferOnly} image(s), the strongest white-box attack alone {WhiteBoxOnly}, over {Replicates} replicate(s) " +
        $"(sign test p = {PValue:0.###}{(TransferStronger ? $" < {MaskingChecks.TransferAlpha}: transfer beats white-box" : "")})";
}
