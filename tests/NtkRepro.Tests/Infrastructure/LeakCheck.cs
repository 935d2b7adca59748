namespace NtkRepro.Tests.Infrastructure;

/// <summary>
/// Whether repeating a round of work leaks: native heap or resident memory that keeps growing, or
/// tensors left undisposed. After warm-up, memory is read after each of the measured rounds, with
/// all garbage collected and finalized first, so that a reading holds what the work keeps and not
/// garbage waiting for the collector (TorchSharp frees its temporary scalars and shape arrays in
/// finalizers, which otherwise makes a reading depend on when the last collection ran). Growth is
/// the least-squares slope of the readings, not last minus first: malloc keeps what it once mapped
/// (the trim threshold is raised at start-up) and its arenas grow in steps early on, while a leak
/// adds the same every round. The native heap's bytes in use show a leak from its first byte;
/// resident memory only once the free memory malloc kept is used up. Then tensors are counted over
/// further rounds with the garbage collector held off, so that none left to the finalizer escapes
/// the count; this comes last because holding the collector off commits memory of its own.
/// </summary>
public sealed record LeakCheck(int WarmUpRounds, int MeasuredRounds, int CountedRounds, long SlopeBoundBytesPerRound)
{
    public LeakReport Run(Action<int> round)
    {
        int next = 0;
        for (int i = 0; i < WarmUpRounds; i++) round(next++);
        var resident = new List<long>(MeasuredRounds);
        var heap = new List<long>(MeasuredRounds);
        for (int i = 0; i < MeasuredRounds; i++)
        {
            round(next++);
            NativeFootprint.CollectGarbage();
            resident.Add(NativeFootprint.ResidentSetBytes());
            if (NativeFootprint.NativeHeapInUseBytes() is { } inUse) heap.Add(inUse);
        }
        long tensorsLeft = NativeFootprint.TensorsLeftBy(() =>
        {
            for (int i = 0; i < CountedRounds; i++) round(next++);
        });
        return new LeakReport(this, tensorsLeft, resident, heap.Count == MeasuredRounds ? heap : null);
    }
}

/// <summary>The readings of a <see cref="LeakCheck"/>: resident and native-heap bytes after each measured round (the heap null where not measurable),
/// and the tensors the counted rounds left.</summary>
public sealed record LeakReport(LeakCheck Check, long TensorsLeft, IReadOnlyList<long> ResidentBytes, IReadOnlyList<long>? NativeHeapBytes)
{
    public double ResidentSlope => Slope(ResidentBytes);
    public double? NativeHeapSlope => NativeHeapBytes is null ? null : Slope(NativeHeapBytes);

    public bool ResidentMemoryGrows => ResidentSlope >= Check.SlopeBoundBytesPerRound;
    public bool NativeHeapGrows => NativeHeapSlope >= Check.SlopeBoundBytesPerRound;

    /// <summary>Least-squares slope of readings against their round number, per round.</summary>
    public static double Slope(IReadOnlyList<long> y) => Slope(y.Select(v => (double)v).ToList());

    public static double Slope(IReadOnlyList<double> y)
    {
        if (y.Count < 2) throw new ArgumentException("a slope needs at least two readings");
        double meanX = (y.Count - 1) / 2.0, meanY = y.Average(), sxy = 0, sxx = 0;
        for (int i = 0; i < y.Count; i++)
        {
            sxy += (i - meanX) * (y[i] - meanY);
            sxx += (i - meanX) * (i - meanX);
        }
        return sxy / sxx;
    }

    public override string ToString() =>
        $"after {Check.WarmUpRounds} warm-up rounds, per round over {Check.MeasuredRounds} (least squares, bound {Mib(Check.SlopeBoundBytesPerRound):F2} MiB): " +
        $"resident memory {Mib(ResidentSlope):F3} MiB, native heap " + (NativeHeapSlope is { } h ? $"{Mib(h):F3} MiB" : "not measurable here") +
        $"; {TensorsLeft} tensors left by {Check.CountedRounds} more rounds" +
        $"\nresident MiB after each round: {Readings(ResidentBytes)}" +
        (NativeHeapBytes is null ? "" : $"\nnative heap MiB in use after each round: {Readings(NativeHeapBytes)}");

    private static string Readings(IReadOnlyList<long> bytes) => string.Join(" ", bytes.Select(b => Mib(b).ToString("F1")));

    private static double Mib(double bytes) => bytes / 1048576.0;
}
