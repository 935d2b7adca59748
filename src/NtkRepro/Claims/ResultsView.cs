using NtkRepro.Experiments;
using NtkRepro.Kernels;
using NtkRepro.Runs;

namespace NtkRepro.Claims;

/// <summary>A figure the claims need that the results do not hold (a step that was not run).</summary>
public sealed class MissingResultException(string message) : Exception(message);

/// <summary>
/// Read access to a reproduction's results for the claim checks. Accuracies are means over
/// seeds; kernel curves are those of the first seed.
/// </summary>
public sealed class ResultsView(ReproductionResults results)
{
    public ReproductionResults Results { get; } = results;

    public double FinalEpoch => Results.Stage1Epochs;

    public KernelSeries Series(string schedule) =>
        Results.Stage1.FirstOrDefault(s => s.Schedule == schedule)?.Kernels
        ?? throw new MissingResultException($"no kernel series for the {schedule} run");

    public IReadOnlyList<double> SpawnEpochs => Results.Children.Select(c => c.SpawnEpoch).Distinct().Order().ToList();

    public (double Clean, double Robust) Child(string parent, double spawn, string dynamics, bool adversarial = false)
    {
        var matches = Results.Children.Concat(Results.FixedKernel)
            .Where(c => c.ParentSchedule == parent && c.SpawnEpoch == spawn && c.Dynamics == dynamics && c.Adversarial == adversarial).ToList();
        if (matches.Count == 0) throw new MissingResultException($"no {dynamics}{(adversarial ? " adversarial" : "")} child of the {parent} parent at spawn epoch {spawn}");
        return (matches.Average(c => c.Eval.CleanAccuracy), matches.Average(c => c.Eval.RobustAccuracy));
    }

    public double? FirstOrderRatio(string parent, double spawn)
    {
        var matches = Results.Children.Where(c => c.ParentSchedule == parent && c.SpawnEpoch == spawn && c.Dynamics == "linearized" && !c.Adversarial).ToList();
        if (matches.Count == 0) throw new MissingResultException($"no linearized child of the {parent} parent at spawn epoch {spawn}");
        var defined = matches.Where(m => m.Eval.FirstOrderRatio is not null).ToList();
        return defined.Count == 0 ? null : defined.Average(m => m.Eval.FirstOrderRatio!.Value);
    }

    public (double Clean, double Robust) Parent(string schedule, double epoch)
    {
        var matches = Results.Parents.Where(p => p.Schedule == schedule && p.Epoch == epoch).ToList();
        if (matches.Count == 0)
        {
            var finals = Results.Stage1.Where(s => s.Schedule == schedule && epoch == FinalEpoch).ToList();
            if (finals.Count == 0) throw new MissingResultException($"no evaluation of the {schedule} run at epoch {epoch}");
            return (finals.Average(f => f.FinalEval.CleanAccuracy), finals.Average(f => f.FinalEval.RobustAccuracy));
        }
        return (matches.Average(p => p.Eval.CleanAccuracy), matches.Average(p => p.Eval.RobustAccuracy));
    }

    public (double Clean, double Robust) FixedKernel()
    {
        if (Results.FixedKernel.Count == 0) throw new MissingResultException("the section-7 run (AT on a fixed kernel) was not part of this preset");
        return (Results.FixedKernel.Average(c => c.Eval.CleanAccuracy), Results.FixedKernel.Average(c => c.Eval.RobustAccuracy));
    }

    public CrossKernelResult Cross => Results.CrossKernels.FirstOrDefault() ?? throw new MissingResultException("no cross-run kernel distances");

    public KernelPoint Point(string schedule, double epoch) =>
        Series(schedule).Checkpoints.FirstOrDefault(c => c.Epoch == epoch)
        ?? throw new MissingResultException($"no kernel of the {schedule} run at epoch {epoch}");
}
