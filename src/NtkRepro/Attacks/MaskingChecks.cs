namespace NtkRepro.Attacks;

/// <summary>
/// The decision rules of <see cref="AttackSuite"/>, fixed before any result. They rest on one
/// fact: every attack on an image searches the same ε-ball around it (the sweep's larger balls
/// contain the smaller ones; the transfer attack's points lie in the white-box ball), so an image
/// that one attack breaks and a stronger or equally placed one does not is an attack failure,
/// not noise in the test set. The rules count such images, paired image by image, and allow
/// <see cref="Tolerance"/> of them: one image in a hundred, and at least one, for the attacks'
/// own randomness (random starts, fixed step counts) without hiding a systematic failure.
/// Robust-correct bits are '1' for an image classified correctly both clean and at the attack's
/// point (the clean image is in every ball), '0' otherwise, in test order.
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
    public static int SweepInversions(IReadOnlyList<string> correctByRadius)
    {
        if (correctByRadius.Count == 0) return 0;
        int n = SameLength(correctByRadius);
        int inversions = 0;
        for (int i = 0; i < n; i++)
        {
            bool brokenBefore = false;
            foreach (var bits in correctByRadius)
            {
                if (bits[i] == '0') brokenBefore = true;
                else if (brokenBefore) { inversions++; break; }
            }
        }
        return inversions;
    }

    /// <summary>Images robust-correct under the white-box worst case that the transfer attack breaks: each is a white-box failure.</summary>
    public static int TransferOnlyBreaks(string whiteBoxCorrect, string transferCorrect)
    {
        SameLength([whiteBoxCorrect, transferCorrect]);
        return Enumerable.Range(0, whiteBoxCorrect.Length).Count(i => whiteBoxCorrect[i] == '1' && transferCorrect[i] == '0');
    }

    /// <summary>Per image the minimum: '1' only where every attack left the image correct.</summary>
    public static string WorstCase(IReadOnlyList<string> correctByAttack)
    {
        int n = SameLength(correctByAttack);
        return new string(Enumerable.Range(0, n).Select(i => correctByAttack.All(b => b[i] == '1') ? '1' : '0').ToArray());
    }

    public static double Accuracy(string correct) => correct.Length == 0 ? 0 : correct.Count(c => c == '1') / (double)correct.Length;

    /// <summary>
    /// One phrase per failed check: (1) input gradient exactly zero on more than the tolerance;
    /// (2) more sweep inversions than the tolerance; (3) accuracy at the largest sweep radius above
    /// <paramref name="maxAccuracyAtLargestRadius"/>; (4) more transfer-only breaks than the tolerance.
    /// </summary>
    public static List<string> Failures(int count, int zeroGradientImages, IReadOnlyList<double> radii, IReadOnlyList<string> sweepCorrect,
        double maxAccuracyAtLargestRadius, int? transferOnlyBreaks)
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
            double last = Accuracy(sweepCorrect[^1]);
            if (last > maxAccuracyAtLargestRadius)
                failures.Add($"accuracy {last * 100:0.0}% at the largest sweep radius ε={radii[^1] * 255:0.##}/255 is above {maxAccuracyAtLargestRadius * 100:0.0}%");
        }
        if (transferOnlyBreaks is int breaks && breaks > tolerance)
            failures.Add($"transfer beats white-box: {breaks} of {count} images robust to the white-box worst case are broken by the transfer attack (tolerance {tolerance})");
        return failures;
    }

    private static int SameLength(IReadOnlyList<string> bitStrings)
    {
        if (bitStrings.Count == 0) return 0;
        int n = bitStrings[0].Length;
        if (bitStrings.Any(b => b.Length != n))
            throw new ArgumentException($"correctness bit strings of different lengths: {string.Join(", ", bitStrings.Select(b => b.Length))}");
        return n;
    }
}
