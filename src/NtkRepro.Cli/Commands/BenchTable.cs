using NtkRepro.Pipeline.Benchmarks;

namespace NtkRepro.Cli.Commands;

/// <summary>The figures of <c>ntkrepro bench</c> as a plain-text table.</summary>
internal static class BenchTable
{
    public static void Write(TextWriter o, StepBenchmark.Result r, StepBenchmark.Options options, string device)
    {
        o.WriteLine($"machine: {r.Machine}");
        if (r.Peer is not null) o.WriteLine($"peer: {r.Peer}");
        else if (r.PeerSkipReason is not null) o.WriteLine($"peer: skipped: {r.PeerSkipReason}");
        foreach (var note in r.Notes) o.WriteLine($"note: {note}");
        o.WriteLine($"device {device}, {r.Threads} threads, batch {options.Batch}; {options.Rounds} rounds (NTK: {options.NtkRounds}) after {options.Warmup} warm-up steps; " +
                    (options.Consecutive == 1
                       ? "each round times every variant once"
                       : $"each round times {options.Consecutive} consecutive steps of every training and PGD variant, the NTK once") +
                   (r.Peer is null ? "" : ", ours and the peer's back to back, who goes first alternating"));
        o.WriteLine("milliseconds per step: median (min–max); ours/peer: ratio of the medians against the peer's faster layout (range of the per-round ratios)");
        o.WriteLine();
        var layouts = PeerProcess.Layouts.Where(l => r.Rows.Any(row => row.Peer.ContainsKey(l))).ToList();
        var header = $"{"model",-14} {"variant",-27} {"params",9} {"ours",-22}" + string.Concat(layouts.Select(l => $" {"peer " + l,-22}")) + (layouts.Count > 0 ? " ours/peer" : "");
        o.WriteLine(header);
        foreach (var row in r.Rows)
        {
            var line = $"{row.Model,-14} {VariantLabel(row.Variant, options),-27} {row.Parameters,9:N0} {row.Ours,-22}" +
                       string.Concat(layouts.Select(l => $" {(row.Peer.TryGetValue(l, out var t) ? t.ToString() : "-"),-22}")) +
                       (layouts.Count > 0 ? $" {row.Ratio?.ToString() ?? "-"}" : "");
            o.WriteLine(line.TrimEnd());
        }
        o.WriteLine();
        o.WriteLine($"peak working set: {r.PeakWorkingSetBytes / (1024.0 * 1024 * 1024):F2} GiB");
    }

    private static string VariantLabel(string variant, StepBenchmark.Options o) => variant switch
    {
        "ntk" => $"ntk class blocks N={o.NtkPoints}",
        "ntk-rows" => $"ntk rows only N={o.NtkPoints}",
        _ => variant,
    };
}
