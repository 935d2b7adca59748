using NtkRepro.Pipeline.Experiments;
using NtkRepro.Tests.Infrastructure;
using NtkRepro.Tests.Judgement.Claims;
using Xunit;
using Xunit.Abstractions;

namespace NtkRepro.Tests.Pipeline.Experiments;

/// <summary>
/// The smoke preset's plan through a real single-node Slurm, as `plan --format slurm` renders it:
/// one job per step, every step its own process (so the store is the only state steps share),
/// compared bit for bit with the in-process run; and its faults: a failing step, a cancelled one.
/// </summary>
[Tier(TestTier.Cluster)]
public class SlurmClusterTests(SlurmCluster cluster, SmokeReproduction local, ITestOutputHelper output)
    : IClassFixture<SlurmCluster>, IClassFixture<SmokeReproduction>
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(30);
    private static readonly Plan SmokePlan = Planner.For(Presets.Smoke);

    /// <summary>
    /// The command the jobs run: the CLI built apart from the test's own output, whose assemblies
    /// coverlet instruments while tests run (their hit files are guarded by a named mutex that
    /// processes slurmd starts, in sessions of their own, do not share).
    /// </summary>
    private static readonly Lazy<string> JobCommand = new(() =>
    {
        var repo = NtkRepro.Numerics.Data.DataRoot.RepositoryRoot() ?? throw new InvalidOperationException("the tests run outside the repository");
        var output = TestData.TempDir("slurm-cli");
        var (code, log) = ExternalProcess.Run("dotnet", ["build", Path.Combine(repo, "src", "NtkRepro.Cli"), "-c", "Release", "-o", output, "-v", "q", "-nologo"]);
        if (code != 0) throw new InvalidOperationException($"building the CLI for the jobs failed:\n{log}");
        return $"dotnet {Path.Combine(output, "NtkRepro.Cli.dll")}";
    });

    /// <summary>Renders the submission script with the CLI and runs it; returns each step's job id.</summary>
    private Dictionary<string, string> Submit(string store)
    {
        var (code, script, error) = CliProcess.InProcess("plan", "--preset", "smoke", "--format", "slurm", "--store", store);
        Assert.True(code == 0, error);
        var path = Path.Combine(Path.GetDirectoryName(store)!, Path.GetFileName(store) + "-submit.sh");
        File.WriteAllText(path, script);
        var (submitted, lines) = cluster.Bash(path, new Dictionary<string, string> { ["STORE"] = store, ["NTKREPRO"] = JobCommand.Value });
        Assert.True(submitted == 0, $"the submission script exited {submitted}:\n{lines}\n{cluster.Logs()}");
        var jobs = lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', 2)).ToDictionary(p => p[1], p => p[0]);
        Assert.Equal(SmokePlan.Steps.Select(s => s.Key).Order(), jobs.Keys.Order());
        return jobs;
    }

    /// <summary>The state of each step's job, read once the jobs have ended.</summary>
    private Dictionary<string, (string State, string ExitCode, string Reason)> States(IReadOnlyDictionary<string, string> jobs)
    {
        var all = cluster.Jobs();
        return jobs.ToDictionary(j => j.Key, j => all.GetValueOrDefault(j.Value, ("?", "?", "?")));
    }

    private string Describe(IReadOnlyDictionary<string, string> jobs, IReadOnlyDictionary<string, (string State, string ExitCode, string Reason)> states) =>
        string.Join("\n", jobs.Select(j => $"{j.Value} {j.Key}: {states[j.Key]}")) + "\n" + cluster.Logs();

    private void AssertExactMatch(string store)
    {
        var (code, table, error) = CliProcess.InProcess("compare", local.Store, store);
        output.WriteLine(table);
        Assert.True(code == 0, table + error);
        Assert.Contains("exact mode (the fingerprints are equal)", table);
        Assert.Contains("0 figure(s) differ", table);
    }

    [SkippableFact]
    public void TheSmokePlanThroughSlurmEqualsTheInProcessRunBitForBit()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        var store = Path.Combine(TestData.TempDir("slurm-smoke"), "store");
        var jobs = Submit(store);
        cluster.WaitFor(jobs.Values, Limit);
        var states = States(jobs);
        Assert.True(states.Values.All(s => s.State == "COMPLETED"), Describe(jobs, states));
        AssertExactMatch(store);
    }

    [SkippableFact]
    public void AFailedOrCancelledStepStopsItsDependentsAndNothingElseAndAResubmissionFinishesToTheSameBits()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        var store = Path.Combine(TestData.TempDir("slurm-faults"), "store");
        // Planted: a file where one step's folder goes, so that step fails (exit 2) however often it runs.
        var failing = SmokePlan.Step("synthetic-eps4/r0/stage1/switch");
        var plant = Path.Combine(store, failing.Folder);
        Directory.CreateDirectory(Path.GetDirectoryName(plant)!);
        File.WriteAllText(plant, "planted");
        // Cancelled: another stage-1 run, as soon as it has written its first checkpoint.
        var killed = SmokePlan.Step("synthetic-eps4/r1/stage1/adversarial");
        var firstCheckpoint = Path.Combine(store, killed.Folder, "checkpoints", "epoch-0.ckpt");
        var jobs = Submit(store);
        var deadline = DateTime.UtcNow + Limit;
        while (!File.Exists(firstCheckpoint) && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.True(cluster.Client("scancel", jobs[killed.Key]).Code == 0);
        cluster.WaitFor(jobs.Values, Limit);

        var stopped = Dependents(failing.Key).Concat(Dependents(killed.Key)).ToHashSet();
        var first = States(jobs);
        var shown = Describe(jobs, first);
        Assert.True(first[failing.Key] is ("FAILED", "2:0", _), shown);
        Assert.True(first[killed.Key].State == "CANCELLED", "the job was not cancelled mid-step (it finished first?)\n" + shown);
        foreach (var key in stopped)
            Assert.True(first[key] is ("CANCELLED", _, "DependencyNeverSatisfied"), $"{key} should have been stopped\n{shown}");
        foreach (var key in jobs.Keys.Except(stopped).Except([failing.Key, killed.Key]))
            Assert.True(first[key].State == "COMPLETED", $"{key} does not depend on the failed steps and should have run\n{shown}");
        Assert.Contains(Plan.ReportKey, jobs.Keys.Except(stopped)); // the report runs after everything, however it ended

        File.Delete(plant);
        var again = Submit(store);
        cluster.WaitFor(again.Values, Limit);
        var second = States(again);
        Assert.True(second.Values.All(s => s.State == "COMPLETED"), Describe(again, second));
        foreach (var key in jobs.Keys.Where(k => k != Plan.ReportKey && first[k].State == "COMPLETED"))
            Assert.Contains($"reused: {key}", File.ReadAllText(Directory.GetFiles(Path.Combine(store, "slurm", "logs"), key.Replace('/', '~') + "-" + again[key] + ".out").Single()));
        AssertExactMatch(store);
    }

    /// <summary>Every step that reads this one, directly or not (the report aside: it waits for all).</summary>
    private static IEnumerable<string> Dependents(string key)
    {
        var found = new HashSet<string>();
        var frontier = new Queue<string>([key]);
        while (frontier.TryDequeue(out var k))
            foreach (var s in SmokePlan.Steps.Where(s => s.Key != Plan.ReportKey && s.DependsOn.Contains(k)))
                if (found.Add(s.Key)) frontier.Enqueue(s.Key);
        return found;
    }
}
