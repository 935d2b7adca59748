using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Eigenimages;

/// <summary>What to draw for one kernel.</summary>
/// <param name="Eigenvectors">k: images for the top-k eigenvectors of K_cc (ascent).</param>
/// <param name="Negatives">Descent ("negative") images for the first this many eigenvectors.</param>
/// <param name="Regression">Also the kernel-regression direction v = J_cᵀ(K_cc + λI)⁻¹y_c (y_c the one-hot column, not centred).</param>
/// <param name="RelativeRidge">λ relative to the mean diagonal of K_cc (0: no ridge).</param>
/// <param name="RelativeCutoff">Eigenvalues of K_cc below this fraction of the largest are dropped from the solve (a singular K gives the pseudo-inverse solution).</param>
public sealed record EigenImageConfig(int Eigenvectors = 3, int Negatives = 1, bool Regression = true, double RelativeRidge = 1e-6,
    EigenImageAscent.Options? Ascent = null, double RelativeCutoff = EigenDirections.DefaultRelativeCutoff)
{
    public EigenImageAscent.Options AscentOptions => Ascent ?? new();

    public void Validate(int points)
    {
        if (Eigenvectors < 1 || Eigenvectors > points) throw new ArgumentException($"eigenvectors {Eigenvectors}: must be in 1..{points} (the kernel's size)");
        if (Negatives < 0 || Negatives > Eigenvectors) throw new ArgumentException($"negatives {Negatives}: must be in 0..{Eigenvectors} (the eigenvectors drawn)");
        if (RelativeRidge < 0 || !double.IsFinite(RelativeRidge)) throw new ArgumentException($"ridge {RelativeRidge}: must be finite and ≥ 0");
        if (RelativeCutoff < 0 || !(RelativeCutoff < 1)) throw new ArgumentException($"eigenvalue cutoff {RelativeCutoff}: must be in [0, 1)");
        AscentOptions.Validate();
    }
}

public sealed record CosinePoint(int Step, double Cosine);

/// <summary>One drawn image and its measures.</summary>
/// <param name="Column">"u1".."uk", "-u1", "regression".</param>
/// <param name="Kind">"eigenvector", "negative" or "regression".</param>
/// <param name="Sign">+1: ascent on cos(∇_θf_c(x), v); −1: descent.</param>
/// <param name="InitialCosine">cos(∇_θf_c(x), v) at the grey start (unsigned).</param>
/// <param name="FinalCosine">The same after the last step.</param>
public sealed record EigenImage(string Column, string Kind, int? Eigenvector, double? Eigenvalue, int Sign,
    double InitialCosine, double FinalCosine, double LowFrequencyEnergy, double TotalVariation, double MeanAbsChange,
    IReadOnlyList<CosinePoint> Trajectory)
{
    /// <summary>The image, (C, H, W) row-major float32 in [0,1]; not written to JSON.</summary>
    [JsonIgnore] public float[] Pixels { get; init; } = [];

    [JsonIgnore] public long[] Shape { get; init; } = [];

    public Tensor ToTensor() => torch.tensor(Pixels, Shape, ScalarType.Float32);
}

/// <summary>The kernel-regression direction's solve: ridge λ (absolute and relative), eigenvalues kept of N, ‖K·a − y‖/‖y‖, cond(K), points of the class.</summary>
public sealed record RegressionSolve(double Ridge, double RelativeRidge, double RelativeCutoff, int KeptEigenvalues, int Points,
    double RelativeResidual, double ConditionNumber, int Positives);

/// <summary>Everything drawn from one kernel (one checkpoint).</summary>
/// <param name="Label">Row name, e.g. "initial", "benign", "adversarial".</param>
/// <param name="EigenvalueFractions">λ_i / Tr K_cc for the drawn eigenvectors.</param>
/// <param name="SecondsPerImage">Ascent seconds divided by the number of images (they move together).</param>
public sealed record EigenImageResult(string Label, string? Checkpoint, int Class, int Points, IReadOnlyList<double> Eigenvalues,
    IReadOnlyList<double> EigenvalueFractions, RegressionSolve? Regression, int Steps, double StepSize, bool Batched,
    IReadOnlyList<EigenImage> Images, double AscentSeconds, double SecondsPerImage)
{
    /// <summary>The row's source as given (the eigen-image source's label), without the checkpoint that <see cref="Label"/> adds.</summary>
    public string? Source { get; init; }

    /// <summary>The low-frequency energy of each eigenvector image (u1…uk), in order.</summary>
    public IReadOnlyList<double> EigenvectorEnergies() => Images.Where(i => i.Kind == "eigenvector").Select(i => i.LowFrequencyEnergy).ToList();
}

/// <summary>The JSON an eigen-image job writes: rows of results and the proxy's definition.</summary>
public sealed record EigenImageReport(int Class, string Proxy, IReadOnlyList<string> Columns, IReadOnlyList<EigenImageResult> Rows, string Grid);
