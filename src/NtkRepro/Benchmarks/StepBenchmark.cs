using System.Diagnostics;
using NtkRepro.Kernels;
using NtkRepro.Linearization;
using NtkRepro.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Benchmarks;

/// <summary>
/// Times a standard training step against linearized steps (both JVP routes) on the same
/// model, batch and machine, and the NTK of the small CNN. Prints figures; asserts nothing.
/// </summary>
public static class StepBenchmark
{
    public sealed record Options(int Batch = 128, int Steps = 5, int Warmup = 2, int NtkPoints = 500, bool IncludeResNet = true, int ResNetWidth = 16);

    public sealed record StepFigures(string Model, long Parameters, double StandardMs, double LinearizedFastMs, double LinearizedReferenceMs)
    {
        public double FastRatio => LinearizedFastMs / StandardMs;
        public double ReferenceRatio => LinearizedReferenceMs / StandardMs;
    }

    public sealed record Figures(IReadOnlyList<StepFigures> Steps, double NtkSeconds, int NtkPoints, int NtkClasses, long PeakWorkingSetBytes, int Threads);

    public static Figures Run(Options options, Device device, Action<string> log)
    {
        var specs = new List<ModelSpec> { new(ModelSpec.SmallCnn, 16, 10) };
        if (options.IncludeResNet) specs.Add(new(ModelSpec.ResNet18, options.ResNetWidth, 10));
        var steps = new List<StepFigures>();
        foreach (var spec in specs)
        {
            using var standard_ = new StandardClassifier(spec.Create(0)); // owns the model
            var model = standard_.Model;
            model.to(device);
            // A trained-looking parent: a non-zero head, so every parameter has a gradient.
            using (torch.no_grad())
                foreach (var (name, p) in model.named_parameters())
                    if (name.StartsWith("linear.")) p.normal_(0, 0.05);
            double standard = TimeSteps(standard_, options, device);
            model.eval();
            log($"{spec}: standard step {standard:F1} ms");
            double fast;
            using (var child = new LinearizedClassifier(model, Dynamics.Linearized, JvpRoute.TangentPropagation))
                fast = TimeSteps(child, options, device);
            log($"{spec}: linearized step (tangent propagation) {fast:F1} ms");
            double reference;
            using (var child = new LinearizedClassifier(model, Dynamics.Linearized, JvpRoute.DoubleBackward))
                reference = TimeSteps(child, options, device);
            log($"{spec}: linearized step (double backward) {reference:F1} ms");
            steps.Add(new StepFigures(spec.ToString(), model.ParameterCount(), standard, fast, reference));
        }

        using var cnn = new ModelSpec(ModelSpec.SmallCnn, 16, 10).Create(0);
        cnn.to(device);
        cnn.eval();
        using var x = torch.rand(options.NtkPoints, 3, 32, 32, device: device);
        var watch = Stopwatch.StartNew();
        using (var k = EmpiricalNtk.ClassBlocks(cnn, x)) { }
        double ntk = watch.Elapsed.TotalSeconds;
        log($"NTK class blocks, small CNN, N={options.NtkPoints}, C=10: {ntk:F1} s");
        return new Figures(steps, ntk, options.NtkPoints, 10, Process.GetCurrentProcess().PeakWorkingSet64, torch.get_num_threads());
    }

    private static double TimeSteps(Classifier classifier, Options options, Device device)
    {
        classifier.SetTraining(true);
        var optimizer = torch.optim.SGD(classifier.Trainable, 0.01, momentum: 0.9);
        torch.manual_seed(1);
        using var x = torch.rand(options.Batch, 3, 32, 32, device: device);
        using var y = torch.randint(0, 10, [options.Batch], device: device);
        var times = new List<double>();
        for (int i = 0; i < options.Warmup + options.Steps; i++)
        {
            var watch = Stopwatch.StartNew();
            using (var scope = torch.NewDisposeScope())
            {
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(classifier.forward(x), y);
                loss.backward();
                optimizer.step();
                if (device.type == DeviceType.CUDA) torch.cuda.synchronize();
            }
            if (i >= options.Warmup) times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
