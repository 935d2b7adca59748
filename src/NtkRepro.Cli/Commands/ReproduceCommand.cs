using System.CommandLine;
using NtkRepro.Cli.Terminal;
using NtkRepro.Judgement.Reporting;
using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Native;
using NtkRepro.Pipeline.Benchmarks;
using NtkRepro.Pipeline.Experiments;

namespace NtkRepro.Cli.Commands;

/// <summary><c>ntkrepro reproduce</c>: a whole preset's plan in this process, then its claim-by-claim report.</summary>
public static class ReproduceCommand
{
    public static Command Create()
    {
        var plan = new PlanOptions();
        var data = CommonOptions.Data();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var jobs = new Option<int>("--jobs", "-j")
        {
            Description = "Steps run side by side as worker processes (default: the machine's cores); " +
                "each computes with --threads libtorch threads (default 1), so the figures do not depend on the machine's size",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        }.AtLeast(1);
        var command = new Command("reproduce", "Run a preset's whole plan in this process (cached and resumable: rerun to continue) and write its reproduction report");
        plan.AddTo(command);
        foreach (var o in new Option[] { data, device, threads, jobs }) command.Options.Add(o);
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
        {
            int workers = parse.GetValue(jobs);
            int stepThreads = parse.GetValue(threads) ?? 1;
            var writer = parse.InvocationConfiguration.Output;
            var thePlan = plan.Plan(parse, DefaultPreset(parse.GetValue(plan.Preset), parse.GetValue(data), writer));
            var store = plan.StoreFor(parse, thePlan);
            plan.RequireData(thePlan, parse.GetValue(data));
            var dev = CommonOptions.Setup(parse.GetValue(device)!, stepThreads);
            writer.WriteLine($"preset {thePlan.Preset.Name}: {thePlan.Preset.Summary}");
            writer.WriteLine($"plan: {thePlan.Steps.Count} steps in {thePlan.Waves.Count} waves; artifact store {store.Root}");
            writer.WriteLine($"machine: {MachineDescription.Describe(dev)}");
            writer.WriteLine($"steps: {workers} at a time, {stepThreads} libtorch thread(s) each");
            var started = DateTimeOffset.UtcNow;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            Invocation Record(int computed, int reused, int failed) =>
                new(started, watch.Elapsed.TotalSeconds, workers, stepThreads, computed, reused, failed, MachineDescription.WithoutLibtorch(MachineDescription.Describe(dev)));
            var ledger = InvocationLedger.Begin(store, Record(0, 0, 0));
            return ProgressConsole.Run(writer, progress =>
            {
                if (workers == 1)
                {
                    int ran = 0, kept = 0;
                    return ChecksOutcome.ExitCode(Reproduction.Run(thePlan, store, dev, progress, parse.GetValue(data),
                        afterStep: t =>
                        {
                            if (t.Cached) kept++;
                            else ledger.Update(Record(++ran, kept, 0)); // a reused step adds no wall time worth a write
                        },
                        beforeReport: (_, failed) => ledger.End(Record(ran, kept, failed.Count))).Failed, progress);
                }
                var passThrough = new List<string> { "--device", parse.GetValue(device)! };
                if (parse.GetValue(data) is { } d) passThrough.AddRange(["--data", d]);
                if (parse.GetValue(plan.Datasets) is { } ds) passThrough.AddRange(["--dataset", ds]);
                if (parse.GetValue(plan.Epsilons) is { } es) passThrough.AddRange(["--epsilon", es]);
                var launcher = new WorkerLauncher(thePlan.Preset.Name, store, passThrough, stepThreads);
                using (var probe = new StepExecutor(thePlan, store, dev, progress, parse.GetValue(data), ReportStep.All))
                {
                    var costs = new CostModel(thePlan, StepCosts.Kept(thePlan.Preset.Name), Calibration.Seconds(dev));
                    var outcome = new ParallelExecutor(thePlan, probe.IsDone, workers, progress, costs)
                    {
                        WorkerEnded = (computed, reused, failed) => ledger.Update(Record(computed, reused, failed)),
                    }.Run(launcher.Launch);
                    int others = outcome.Computed.Count + outcome.Failed.Count + outcome.Blocked.Count;
                    ledger.End(Record(outcome.Computed.Count, thePlan.Steps.Count - 1 - others, outcome.Failed.Count + outcome.Blocked.Count));
                    if (outcome.Computed.Count > 0)
                        progress.Log($"workers done in {Numerics.Util.Eta.Short(watch.Elapsed)} of wall time; " +
                            $"the first estimate said {Numerics.Util.Eta.Short(TimeSpan.FromSeconds(outcome.FirstEstimateSeconds))} " +
                            $"({(outcome.FirstEstimateSeconds / watch.Elapsed.TotalSeconds - 1):+0%;-0%})");
                    var written = Reproduction.Run(thePlan, store, dev, progress, parse.GetValue(data), probe.IsDone, outcome.Computed);
                    if (outcome.Failed.Count > 0)
                    {
                        progress.Log($"{outcome.Failed.Count} step(s) failed and {outcome.Blocked.Count} could not run; the report covers what ran; rerun the same command to retry them");
                        return ExitCode.UsageOrInput;
                    }
                    return ChecksOutcome.ExitCode(written.Failed, progress);
                }
            });
        }));
        return command;
    }

    /// <summary>mini where CIFAR-10 is found, otherwise smoke on synthetic data (said so).</summary>
    private static Preset? DefaultPreset(string? name, string? dataOption, TextWriter writer)
    {
        if (name != null) return null;
        var root = DataRoot.Resolve(dataOption);
        if (root != null && CifarSource.Find(root.Path, CifarSource.Cifar10) != null) return Presets.Mini;
        writer.WriteLine("no CIFAR-10 found (" + (root == null ? "no data root" : $"data root {root.Path}") +
                         "): running the smoke preset on SYNTHETIC data, which checks the pipeline and tests no claim.");
        return Presets.Smoke;
    }
}
