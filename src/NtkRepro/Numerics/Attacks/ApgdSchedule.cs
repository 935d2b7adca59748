namespace NtkRepro.Numerics.Attacks;

/// <summary>
/// APGD's checkpoints, where the step size may be halved: p₀ = 0, p₁ = 0.22,
/// p_{j+1} = p_j + max(p_j − p_{j−1} − 0.03, 0.06), as iteration counts w_j = p_j·N. Computed in
/// integers as the reference implementation (fra31/auto-attack, autopgd_base.py) does: the first
/// interval is ⌊0.22N⌋, each next one ⌊0.03N⌋ shorter, never shorter than ⌊0.06N⌋ (each at least 1).
/// For N = 100 the checkpoints are 22, 41, 57, 70, 80, 87, 93, 99.
/// </summary>
public static class ApgdSchedule
{
    /// <summary>The iteration counts (1-based: after that many iterations) at which the step-size conditions are checked.</summary>
    public static IReadOnlyList<int> Checkpoints(int iterations)
    {
        if (iterations < 1) throw new ArgumentException($"APGD iterations {iterations}: must be at least 1");
        int interval = Math.Max((int)(0.22 * iterations), 1);
        int shrink = Math.Max((int)(0.03 * iterations), 1);
        int shortest = Math.Max((int)(0.06 * iterations), 1);
        var checkpoints = new List<int>();
        for (int at = interval; at <= iterations; interval = Math.Max(interval - shrink, shortest), at += interval)
            checkpoints.Add(at);
        return checkpoints;
    }
}
