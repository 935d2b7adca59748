namespace NtkRepro.Numerics.Training;

/// <summary>
/// The training hyper-parameters of the authors' code (yolky/adversarial_ntk_evolution at
/// ad68773, run_exp.py), the one place every configuration, preset and command takes its defaults from.
/// </summary>
public static class AuthorsDefaults
{
    /// <summary>Stage 1: SGD at 0.1 with momentum 0.9 (run_exp.py:144).</summary>
    public const double Stage1LearningRate = 0.1;

    /// <summary>Stage 2: --second_lr (run_exp.py:72, used at :205).</summary>
    public const double Stage2LearningRate = 0.01;

    public const double Momentum = 0.9;

    /// <summary>The training loader's batch size (run_exp.py:119).</summary>
    public const int BatchSize = 128;

    /// <summary>--standard_epochs and --linear_epochs.</summary>
    public const int Stage1Epochs = 100, Stage2Epochs = 100;

    /// <summary>Checkpoints inside the first epochs, besides the one before every epoch (constant_save_extra_epochs, run_exp.py:90).</summary>
    public static readonly IReadOnlyList<double> FractionalCheckpoints = [0.125, 0.25, 0.375, 0.5, 0.75, 1.5, 2.5];
}
