using System.Diagnostics;
using NtkRepro.Numerics.Native;
using NtkRepro.Numerics.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Pipeline.Benchmarks;

/// <summary>
/// Times training steps (standard, linearized, centered; optionally the double-backward
/// route), a PGD step through a centered model and the NTK, on the small CNN and a narrow
/// ResNet-18, optionally against the PyTorch peer. Variants are interleaved: every round times
/// each variant once, ours and the peer's back to back (who goes first alternates), so load from
/// other processes spreads over all figures instead of skewing one. Prints figures; asserts nothing.
/// </summary>
public static class StepBenchmark
{
    /// <param name="Consecutive">
    /// Steps of a training or PGD variant run back to back per round (each timed): 1 times every step
    /// cold, after other variants and the peer have run; more times steps as an epoch runs them,
    /// after a step of their own kind. The NTK is always timed once per round.
    /// </param>
    public sealed record Options(int Batch = AuthorsDefaults.BatchSize, int Rounds = 20, int Warmup = 2, int Width = 16, bool IncludeResNet = true,
        int ResNetWidth = 16, int NtkPoints = 100, int NtkRounds = 10, bool Reference = false, int Consecutive = 5)
    {
        public void Validate()
        {
            if (Batch < 1 || Rounds < 1 || Warmup < 0 || Width < 1 || ResNetWidth < 1 || NtkPoints < 0 || NtkRounds < 1 || Consecutive < 1)
                throw new ArgumentException($"bench options {this}: counts and widths must be positive (warm-up and NTK points may be 0)");
        }
    }

    /// <summary>One variant's figures: ours, the peer's per layout, and ours/peer against the peer's faster layout.</summary>
    public sealed record Row(string Model, string Variant, long Parameters, TimingSummary Ours,
        IReadOnlyDictionary<string, TimingSummary> Peer, RatioSummary? Ratio);

    public sealed record Result(string Machine, int Threads, PeerInfo? Peer, string? PeerSkipReason, IReadOnlyList<Row> Rows,
        IReadOnlyList<string> Notes, long PeakWorkingSetBytes);

    /// <param name="peer">The peer's options; null to time ours only.</param>
    public static Result Run(Options options, Device device, PeerOptions? peer, Action<string> log)
    {
        options.Validate();
        using var ours = OurCases.Build(options, device);
        var notes = new List<string>();
        var (process, skip) = peer is null ? (null, null) : PeerProcess.Start(peer);
        using var _ = process;
        if (process is not null)
        {
            foreach (var (model, count) in process.Info.Parameters)
                if (ours.Cases.FirstOrDefault(c => c.Model == model) is { } c && c.Parameters != count)
                    notes.Add($"the peer's {model} has {count:N0} parameters, ours {c.Parameters:N0}: not the same network");
            if (process.Info.Threads != torch.get_num_threads())
                notes.Add($"the peer runs {process.Info.Threads} threads, ours {torch.get_num_threads()}");
        }
        var peerCases = ours.Cases.ToDictionary(c => c.Key,
            c => process is null ? [] : PeerProcess.Layouts.Where(l => process.Has(PeerProcess.CaseName(c, l))).ToList());

        foreach (var c in ours.Cases)
        {
            log($"warming up {c.Label} {c.Variant}");
            for (int i = 0; i < options.Warmup; i++) c.Step();
            foreach (var layout in peerCases[c.Key]) process!.Run(PeerProcess.CaseName(c, layout), options.Warmup);
        }
        var ourTimes = ours.Cases.ToDictionary(c => c.Key, _ => new List<double>());
        var peerTimes = ours.Cases.ToDictionary(c => c.Key, c => peerCases[c.Key].ToDictionary(l => l, _ => new List<double>()));
        int rounds = ours.Cases.Max(c => c.Rounds);
        var watch = Stopwatch.StartNew();
        for (int round = 0; round < rounds; round++)
        {
            foreach (var c in ours.Cases.Where(c => round < c.Rounds))
            {
                int k = c.Variant.StartsWith("ntk") ? 1 : options.Consecutive;
                void Ours()
                {
                    for (int i = 0; i < k; i++) ourTimes[c.Key].Add(TimeMs(c.Step, device));
                }
                void Theirs()
                {
                    foreach (var layout in peerCases[c.Key])
                        peerTimes[c.Key][layout].AddRange(process!.Run(PeerProcess.CaseName(c, layout), k));
                }
                if (round % 2 == 0) { Ours(); Theirs(); }
                else { Theirs(); Ours(); }
            }
            log($"round {round + 1}/{rounds} ({watch.Elapsed.TotalSeconds:F0} s)");
        }

        var rows = ours.Cases.Select(c =>
        {
            var peerSummary = peerTimes[c.Key].ToDictionary(kv => kv.Key, kv => TimingSummary.Of(kv.Value));
            var fastest = peerSummary.OrderBy(kv => kv.Value.Median).Select(kv => kv.Key).FirstOrDefault();
            var ratio = fastest is null ? null : RatioSummary.Of(ourTimes[c.Key], peerTimes[c.Key][fastest]);
            return new Row(c.Label, c.Variant, c.Parameters, TimingSummary.Of(ourTimes[c.Key]), peerSummary, ratio);
        }).ToList();
        return new Result(MachineDescription.Describe(), torch.get_num_threads(), process?.Info, skip, rows, notes,
            Process.GetCurrentProcess().PeakWorkingSet64);
    }

    private static double TimeMs(Action step, Device device)
    {
        var watch = Stopwatch.StartNew();
        step();
        if (device.type == DeviceType.CUDA) torch.cuda.synchronize();
        return watch.Elapsed.TotalMilliseconds;
    }
}
