namespace NtkRepro.Pipeline.Experiments;

/// <summary>The kinds of step that produce data; the report step's kind is the reporting layer's (it adds itself with <see cref="StepRegistry.With"/>).</summary>
public static class StepKinds
{
    /// <summary>The analyses planned for every stage-1 run, after its kernels.</summary>
    public static readonly IReadOnlyList<IRunAnalysis> PerRun = [KernelAlignmentStep.Kind];

    public static readonly StepRegistry Data =
        new([Stage1Step.Kind, KernelsStep.Kind, KernelDistancesStep.Kind, EvaluationStep.Kind, Stage2Step.Kind, MaskingStep.Kind, EigenStep.Kind, .. PerRun]);
}
