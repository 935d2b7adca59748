using System.Security.Cryptography;
using System.Text;
using NtkRepro.Numerics.Attacks;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Util;
using static TorchSharp.torch;

namespace NtkRepro.Pipeline.Runs;

/// <summary>
/// Runs the gradient-masking suite (<see cref="AttackSuite"/>) on a run (a stage-1 checkpoint, or a
/// finished stage-2 child), optionally with a transfer attack crafted on another run's checkpoint
/// (a child's parent), and writes the result next to the run's evaluations:
/// &lt;run&gt;/masking/epoch-&lt;t&gt;_&lt;hash of everything that defines it&gt;.json. An existing result is reused.
/// </summary>
public static class MaskingJob
{
    /// <summary>Where the suite's result goes; the name hashes the configuration, the seed and the transfer source.</summary>
    public static string ResultPath(string runPath, double epoch, MaskingConfig config, long seed, string? sourceRun, double? sourceEpoch)
    {
        var text = Json.Serialize(new { config, seed, sourceRun, sourceEpoch });
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];
        return Path.Combine(runPath, "masking", $"epoch-{RunDirectory.EpochName(epoch)}_{hash}.json");
    }

    /// <param name="sourceRun">A stage-1 run folder whose checkpoint at <paramref name="sourceEpoch"/> crafts the transfer attack; null: none.</param>
    public static MaskingReport Run(string runPath, double? epoch, string? sourceRun, double? sourceEpoch, MaskingConfig config, long seed,
        LabeledImages test, Device device, IProgressSink progress)
    {
        using var target = EvaluationJob.LoadClassifier(runPath, ref epoch, device);
        var path = ResultPath(runPath, epoch!.Value, config, seed, sourceRun is null ? null : Path.GetFileName(Path.GetFullPath(sourceRun)), sourceEpoch);
        if (File.Exists(path)) return Json.Read<MaskingReport>(path);
        double? se = sourceEpoch;
        using var source = sourceRun is null ? null : EvaluationJob.LoadClassifier(sourceRun, ref se, device);
        using var testOnDevice = test.To(device);
        var report = AttackSuite.Run(target, source, testOnDevice, config, seed, progress, $"masking suite {Path.GetFileName(Path.GetFullPath(runPath))}");
        AtomicFile.WriteJson(path, report);
        return report;
    }
}
