using System.Diagnostics;
using NtkRepro.Numerics.Linearization;
using NtkRepro.Numerics.Models;
using NtkRepro.Numerics.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Pipeline.Benchmarks;

/// <summary>
/// A fixed workload that measures how fast this machine runs the steps of the plans: benign SGD
/// steps of the width-16 small CNN on a batch of 128 CIFAR-shaped images, on the threads the steps
/// use. The cost model scales step times measured elsewhere by the ratio of its seconds here and there.
/// </summary>
public static class Calibration
{
    /// <summary>Median seconds of <paramref name="rounds"/> rounds of 10 steps, after a warm-up round, on one libtorch thread (as plans' steps run).</summary>
    public static double Seconds(Device device, int rounds = 5)
    {
        int threads = torch.get_num_threads();
        torch.set_num_threads(1);
        try { return Measure(device, rounds); }
        finally { torch.set_num_threads(threads); }
    }

    private static double Measure(Device device, int rounds)
    {
        using var scope = torch.NewDisposeScope();
        var spec = new ModelSpec(ModelSpec.SmallCnn, 16, 10);
        using var generator = new Generator(1);
        var x = torch.rand([AuthorsDefaults.BatchSize, 3, 32, 32], generator: generator).to(device);
        var y = torch.randint(0, 10, [AuthorsDefaults.BatchSize], generator: generator).to(device);
        var model = spec.Create(0);
        model.to(device);
        using var classifier = new StandardClassifier(model);
        var optimizer = new MomentumSgd(classifier.Trainable, 0.01, 0.9);
        var times = new List<double>();
        for (int round = 0; round <= rounds; round++)
        {
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < 10; i++)
            {
                using var step = torch.NewDisposeScope();
                TrainingStep.Run(classifier, optimizer, x, y);
            }
            if (round > 0) times.Add(watch.Elapsed.TotalSeconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
