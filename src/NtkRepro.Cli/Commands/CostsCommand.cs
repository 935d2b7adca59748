using System.CommandLine;
using System.Diagnostics;
using NtkRepro.Judgement.Reporting;
using NtkRepro.Numerics.Native;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Benchmarks;
using NtkRepro.Pipeline.Experiments;

namespace NtkRepro.Cli.Commands;

/// <summary>
/// <c>ntkrepro costs</c>: the measured step costs of a finished store, with this machine's
/// calibration and worker start time, as the JSON the cost model keeps with the preset
/// (src/NtkRepro/Pipeline/Experiments/Costs/&lt;preset&gt;.json).
/// </summary>
public static class CostsCommand
{
    public static Command Create()
    {
        var plan = new PlanOptions();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("costs", "Measure a finished store's step costs (median replicate, with this machine's calibration) as the JSON kept with the preset for plan and the ETA");
        plan.AddTo(command);
        command.Options.Add(device);
        command.Options.Add(threads);
        var addMissing = new Option<bool>("--add-missing")
        {
            Description = "Keep the preset's kept costs and add only the classes they lack (a new step kind), scaled to the kept machine by the two calibrations",
        };
        command.Options.Add(addMissing);
        command.SetAction(parse => CliAction.Run(parse.InvocationConfiguration.Error, () =>
        {
            int stepThreads = parse.GetValue(threads) ?? 1;
            var thePlan = plan.Plan(parse);
            var store = plan.StoreFor(parse, thePlan);
            var dev = CommonOptions.Setup(parse.GetValue(device)!, stepThreads);
            using var probe = new StepExecutor(thePlan, store, dev, NullProgress.Instance, null, ReportStep.All);
            var done = thePlan.Steps.FirstOrDefault(s => s.Key != Plan.ReportKey && probe.IsDone(s))
                ?? throw new ArgumentException($"{store.Root}: no finished step of preset '{thePlan.Preset.Name}' to measure");
            var launcher = new WorkerLauncher(thePlan.Preset.Name, store, ["--device", parse.GetValue(device)!], stepThreads);
            var launches = Enumerable.Range(0, 3).Select(_ =>
            {
                var watch = Stopwatch.StartNew();
                launcher.Launch([done]);
                return watch.Elapsed.TotalSeconds;
            }).Order().ToList();
            var costs = StepCosts.Measure(thePlan, store, $"{CpuRuntimeSetup.Settings.Cpu}, {stepThreads} torch thread(s) per step", Calibration.Seconds(dev), launches[1]);
            if (parse.GetValue(addMissing))
                costs = (StepCosts.Kept(thePlan.Preset.Name) ?? throw new ArgumentException($"--add-missing: preset '{thePlan.Preset.Name}' keeps no costs to add to")).WithMissing(costs);
            parse.InvocationConfiguration.Output.Write(Json.Serialize(costs));
            return ExitCode.Success;
        }));
        return command;
    }
}
