namespace NtkRepro.Pipeline.Results;

/// <summary>The scale a preset runs at; claims say at which scales they can be tested.</summary>
public enum Scale
{
    /// <summary>Synthetic data: a pipeline check that tests no claim.</summary>
    Smoke,
    /// <summary>Real CIFAR-10 at a size a 2-core CPU affords.</summary>
    Mini,
    /// <summary>One GPU night: ResNet-18 on full CIFAR-10.</summary>
    Gpu,
    /// <summary>The paper's protocol.</summary>
    Paper,
}
