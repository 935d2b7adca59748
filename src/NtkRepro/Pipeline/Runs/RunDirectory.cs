using System.Globalization;
using System.Text.Json;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;

namespace NtkRepro.Pipeline.Runs;

/// <summary>Progress of a run, saved with its resume state after every completed epoch.</summary>
public sealed record RunProgress(int CompletedEpochs, IReadOnlyList<EpochMetrics> Metrics, double Seconds);

/// <summary>What a finished run writes last (done.json): its presence means the run is complete.</summary>
/// <param name="Route">How a stage-2 child was trained (the training route and, for cached Jacobian rows, where they were held); null for stage 1.</param>
public sealed record RunSummary(string Kind, int Epochs, double Seconds, EpochMetrics? LastEpoch, int Threads, string Device, string Finished, string? Route = null);

/// <summary>
/// A training run's folder:
/// <code>
/// config.json        what the run is (a restart with another configuration is refused)
/// state.zip          resume state after the last completed epoch (model, optimizer, progress)
/// metrics.json       per-epoch figures
/// checkpoints/       epoch-&lt;t&gt;.ckpt model states (t = epochs completed, fractional allowed)
/// done.json          written last, when the run is complete
/// *.scratch          a stage-2 child's streamed Jacobian rows while it trains (deleted when it stops)
/// </code>
/// Every file is written atomically.
/// </summary>
public sealed class RunDirectory
{
    private RunDirectory(string path, string kind)
    {
        Path = System.IO.Path.GetFullPath(path);
        Kind = kind;
    }

    public string Path { get; }
    public string Kind { get; }
    public string ConfigPath => System.IO.Path.Combine(Path, "config.json");
    public string StatePath => System.IO.Path.Combine(Path, "state.zip");
    public string MetricsPath => System.IO.Path.Combine(Path, "metrics.json");
    public string DonePath => DoneFile(Path);

    /// <summary>The file a finished run writes last, in a run folder.</summary>
    public static string DoneFile(string runPath) => System.IO.Path.Combine(System.IO.Path.GetFullPath(runPath), "done.json");
    public bool IsDone => File.Exists(DonePath);
    public bool HasState => File.Exists(StatePath);

    public static string EpochName(double epoch) => Epochs.Name(epoch);

    public string CheckpointPath(double epoch) => System.IO.Path.Combine(Path, "checkpoints", $"epoch-{EpochName(epoch)}.ckpt");

    /// <summary>A run folder's own files: those at its top (configuration, state, metrics, done) and its checkpoints.</summary>
    public static IReadOnlyList<string> OwnFiles(string runPath)
    {
        var top = Directory.GetFiles(runPath).Where(f => !f.EndsWith(".partial", StringComparison.Ordinal));
        var checkpoints = System.IO.Path.Combine(runPath, "checkpoints");
        return top.Concat(Directory.Exists(checkpoints) ? Directory.GetFiles(checkpoints) : []).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The checkpoint epochs present, in order.</summary>
    public IReadOnlyList<double> CheckpointEpochs()
    {
        var dir = System.IO.Path.Combine(Path, "checkpoints");
        if (!Directory.Exists(dir)) return [];
        return Directory.GetFiles(dir, "epoch-*.ckpt")
            .Select(f => System.IO.Path.GetFileNameWithoutExtension(f)["epoch-".Length..])
            .Select(s => double.Parse(s, CultureInfo.InvariantCulture)).Order().ToList();
    }

    /// <summary>The checkpoint file at an epoch, or an error naming the run, the epoch and the epochs it has.</summary>
    public string RequireCheckpoint(double epoch)
    {
        var path = CheckpointPath(epoch);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{Path} has no checkpoint at epoch {EpochName(epoch)} (it has: {string.Join(", ", CheckpointEpochs().Select(EpochName))})");
        return path;
    }

    /// <summary>Opens (creating if new) a run folder for a configuration; refuses a folder made for another one.</summary>
    public static RunDirectory Open<TConfig>(string path, string kind, TConfig config)
    {
        var dir = new RunDirectory(path, kind);
        Directory.CreateDirectory(dir.Path);
        var wanted = Json.Serialize(new StoredConfig<TConfig>(kind, config));
        if (File.Exists(dir.ConfigPath))
        {
            var existing = File.ReadAllText(dir.ConfigPath);
            if (existing != wanted)
                throw new InvalidOperationException(
                    $"{dir.Path} already holds a {ReadKind(dir.ConfigPath)} run with another configuration; use another folder or delete it " +
                    $"(first difference: {FirstDifference(existing, wanted)})");
        }
        else AtomicFile.WriteAllText(dir.ConfigPath, wanted);
        return dir;
    }

    /// <summary>Opens an existing run folder to read it.</summary>
    public static (RunDirectory Dir, TConfig Config) Read<TConfig>(string path, string kind)
    {
        var dir = new RunDirectory(path, kind);
        if (!File.Exists(dir.ConfigPath)) throw new FileNotFoundException($"{dir.Path}: not a run folder (no config.json)");
        var stored = Json.Read<StoredConfig<TConfig>>(dir.ConfigPath);
        if (stored.Kind != kind) throw new InvalidDataException($"{dir.Path}: a {stored.Kind} run, not {kind}");
        return (dir, stored.Config);
    }

    public static string ReadKind(string configPath)
    {
        if (!File.Exists(configPath))
            throw new FileNotFoundException($"{System.IO.Path.GetDirectoryName(configPath)}: not a run folder (no config.json)", configPath);
        using var doc = JsonDocument.Parse(File.ReadAllText(configPath));
        return doc.RootElement.GetProperty("kind").GetString() ?? "?";
    }

    public void SaveState(Classifier classifier, MomentumSgd optimizer, RunProgress progress)
    {
        TensorArchive.Write(StatePath, new Dictionary<string, byte[]>
        {
            ["model"] = TensorArchive.ModuleBytes(classifier.CheckpointModule),
            ["optimizer"] = TensorArchive.TensorsBytes(optimizer.State()),
            ["optimizer.json"] = TensorArchive.JsonBytes(optimizer.State().Keys.ToList()),
            ["progress.json"] = TensorArchive.JsonBytes(progress),
        });
        AtomicFile.WriteJson(MetricsPath, progress.Metrics);
    }

    public RunProgress LoadState(Classifier classifier, MomentumSgd optimizer)
    {
        var parts = TensorArchive.Read(StatePath);
        TensorArchive.LoadModule(classifier.CheckpointModule, parts["model"], StatePath);
        var keys = TensorArchive.FromJson<List<string>>(parts["optimizer.json"], StatePath).ToHashSet();
        var shapes = classifier.Trainable.Select((p, i) => (Key: $"momentum_{i}", p.shape))
            .Where(t => keys.Contains(t.Key)).ToDictionary(t => t.Key, t => t.shape);
        optimizer.LoadState(TensorArchive.ReadTensors(parts["optimizer"], shapes, StatePath));
        return TensorArchive.FromJson<RunProgress>(parts["progress.json"], StatePath);
    }

    public void SaveCheckpoint(Classifier classifier, double epoch) => Checkpoint.Save(classifier.CheckpointModule, CheckpointPath(epoch));

    public void MarkDone(RunSummary summary) => AtomicFile.WriteJson(DonePath, summary);

    public RunSummary ReadSummary() => Json.Read<RunSummary>(DonePath);

    /// <summary>The per-epoch figures written so far (empty before the first epoch ends).</summary>
    public IReadOnlyList<EpochMetrics> ReadMetrics() => File.Exists(MetricsPath) ? Json.Read<List<EpochMetrics>>(MetricsPath) : [];

    private static string FirstDifference(string a, string b)
    {
        var la = a.Split('\n');
        var lb = b.Split('\n');
        for (int i = 0; i < Math.Min(la.Length, lb.Length); i++)
            if (la[i] != lb[i]) return $"'{la[i].Trim()}' vs '{lb[i].Trim()}'";
        return "length";
    }

    private sealed record StoredConfig<T>(string Kind, T Config);
}
