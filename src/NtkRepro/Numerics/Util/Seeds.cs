namespace NtkRepro.Numerics.Util;

/// <summary>
/// Seeds derived from a run seed and a position (epoch, batch, purpose), so that any epoch can be
/// replayed on its own: a resumed run draws exactly what an uninterrupted one would have drawn.
/// </summary>
public static class Seeds
{
    public static long Derive(params long[] parts)
    {
        ulong h = 0x9E3779B97F4A7C15UL;
        foreach (var p in parts)
        {
            h ^= (ulong)p + 0x9E3779B97F4A7C15UL + (h << 6) + (h >> 2);
            h = SplitMix(h);
        }
        return (long)(h & 0x7FFFFFFFFFFFFFFFUL);
    }

    private static ulong SplitMix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A permutation of 0..n−1 drawn from the seed.</summary>
    public static long[] Permutation(int n, long seed)
    {
        var p = Enumerable.Range(0, n).Select(i => (long)i).ToArray();
        new Random((int)(seed % int.MaxValue)).Shuffle(p);
        return p;
    }
}
