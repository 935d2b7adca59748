using System.CommandLine;
using NtkRepro.Cli.Terminal;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Runs;

namespace NtkRepro.Cli.Commands;

/// <summary><c>ntkrepro eval</c>: clean and PGD accuracy of a checkpoint or child, written as JSON.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "A stage-1 or stage-2 run folder", Required = true };
        var epoch = new Option<double?>("--epoch") { Description = "Stage-1 checkpoint to evaluate (default: the last); stage-2 runs evaluate their final state" }.NotNegative();
        var testCount = new Option<int?>("--test-count") { Description = "Evaluate on the first n test images (default: the run's test set)" }.AtLeast(1);
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 250, Description = "Evaluation batch size" }.AtLeast(1);
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0, Description = "Seed of the attack's random starts" };
        var eps = CommonOptions.Epsilon("Evaluation attack");
        var steps = CommonOptions.Steps("Evaluation attack", 100);
        var stepSize = CommonOptions.StepSize();
        var data = CommonOptions.Data();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("eval", "Clean and PGD robust accuracy (with attack sanity checks and, for children, ‖Δf‖²/‖f0‖²)")
        {
            run, epoch, testCount, batch, seed, eps, steps, stepSize, data, device, threads,
        };
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
        {
            var dev = CommonOptions.Setup(parse.GetValue(device)!, parse.GetValue(threads));
            var config = new EvalConfig(CommonOptions.Pgd(parse.GetValue(eps), parse.GetValue(steps), parse.GetValue(stepSize), 50),
                parse.GetValue(batch), parse.GetValue(seed));
            var runPath = parse.GetValue(run)!;
            var spec = EvaluationJob.DataOf(runPath);
            if (parse.GetValue(testCount) is { } n) spec = spec with { TestCount = n };
            var (train, test) = DatasetLoader.Load(spec, parse.GetValue(data));
            train.Dispose();
            using (test)
                return ProgressConsole.Run(parse.InvocationConfiguration.Output, progress =>
                {
                    var (r, path) = EvaluationJob.Run(runPath, parse.GetValue(epoch), config, test, dev, progress);
                    var robust = r.RobustAccuracyIfValid is { } valid ? $"{valid:P2}" : $"INVALID ({r.RobustAccuracyInvalidReason})";
                    progress.Log($"{Json.EnumName(r.Dynamics)}: clean {r.CleanAccuracy:P2}, robust {robust} under {r.Attack} on {r.Count} images" +
                                 (r.FirstOrderRatio is { } q ? $", ‖Δf‖²/‖f0‖² = {q:G4}" : r.MeanF0Squared == 0 ? ", ‖Δf‖²/‖f0‖² undefined (f0 = 0)" : ""));
                    progress.Log($"attack sanity: {(r.Sanity.Ok ? "ok" : "FAILED")} (max |δ| {r.Sanity.MaxPerturbation * 255:F3}/255, {r.Sanity.PredictionsChanged} predictions changed)" +
                                 (r.Sanity.SuspectedGradientMasking ? MaskingWarning(r.Sanity) : ""));
                    progress.Log($"written {path}");
                    if (r.Sanity.Ok) return ExitCode.Success;
                    parse.InvocationConfiguration.Error.WriteLine($"ntkrepro: check failed: {path}: {r.RobustAccuracyInvalidReason}");
                    return ExitCode.CheckFailed;
                });
        }));
        return command;
    }

    private static string MaskingWarning(AttackSanity s) => s.MeanInputGradientL1 == 0
        ? "; warning: the input gradient is exactly zero on every test image, so the attack is blind (gradient masking, or a constant classifier)"
        : "; warning: the attack changed no prediction although the input gradient is non-zero (gradient masking, or a classifier that predicts one class); " +
            $"{s.ZeroInputGradientFraction:P1} of images have a zero input gradient";
}
