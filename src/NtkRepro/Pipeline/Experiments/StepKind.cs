using NtkRepro.Numerics.Data;
using NtkRepro.Numerics.Training;
using NtkRepro.Numerics.Util;
using NtkRepro.Pipeline.Results;
using static TorchSharp.torch;

namespace NtkRepro.Pipeline.Experiments;

/// <summary>
/// One kind of plan step (stage 1, kernels, an evaluation, …) as one module: the single list of
/// the files it writes (a step is done when all of them exist, and no other code computes those
/// paths), how it runs, and which checks of its output failed. Each kind also plans its own steps
/// (key, folder, cost: a static factory the planner calls) and reads its output back as a typed
/// value for the collector.
/// </summary>
public interface IStepKind
{
    /// <summary>What the report's timing table calls the kind.</summary>
    string Name { get; }

    /// <summary>The work record this kind runs.</summary>
    Type WorkType { get; }

    /// <summary>The timing group of one step (most kinds: <see cref="Name"/>).</summary>
    string TimingGroup(PlanStep step);

    /// <summary>A summary of the store (the report): it runs on whatever the store holds, is never done, and keeps no timing.</summary>
    bool Summarizes { get; }

    bool IsDone(Plan plan, ArtifactStore store, PlanStep step);

    /// <summary>Every file a finished step wrote (absolute), for its manifest: its outputs, and what a training run keeps beside them.</summary>
    IReadOnlyList<string> Written(Plan plan, ArtifactStore store, PlanStep step);

    void Run(StepContext context, PlanStep step);

    /// <summary>Checks of the step's output that failed (attack sanity, masking), each in words; empty when all passed.</summary>
    IReadOnlyList<string> FailedChecks(Plan plan, ArtifactStore store, PlanStep step);
}

/// <summary>A kind of step whose work is <typeparamref name="TWork"/> and whose output reads back as <typeparamref name="TResult"/>.</summary>
public abstract class StepKind<TWork, TResult> : IStepKind where TWork : StepWork
{
    public abstract string Name { get; }

    public Type WorkType => typeof(TWork);

    public virtual string TimingGroup(PlanStep step) => Name;

    public virtual bool Summarizes => false;

    /// <summary>Every file the step writes, absolute.</summary>
    public abstract IReadOnlyList<string> Outputs(Plan plan, ArtifactStore store, PlanStep step, TWork work);

    protected abstract void Run(StepContext context, PlanStep step, TWork work);

    /// <summary>The step's output as a value; only for a step that is done.</summary>
    public abstract TResult Read(Plan plan, ArtifactStore store, PlanStep step, TWork work);

    protected virtual IReadOnlyList<string> FailedChecks(Plan plan, ArtifactStore store, PlanStep step, TWork work) => [];

    public virtual bool IsDone(Plan plan, ArtifactStore store, PlanStep step) => Outputs(plan, store, step, WorkOf(step)).All(File.Exists);

    public virtual IReadOnlyList<string> Written(Plan plan, ArtifactStore store, PlanStep step) => Outputs(plan, store, step, WorkOf(step));

    public void Run(StepContext context, PlanStep step) => Run(context, step, WorkOf(step));

    public TResult Read(Plan plan, ArtifactStore store, PlanStep step) => Read(plan, store, step, WorkOf(step));

    public IReadOnlyList<string> FailedChecks(Plan plan, ArtifactStore store, PlanStep step) =>
        IsDone(plan, store, step) ? FailedChecks(plan, store, step, WorkOf(step)) : [];

    protected static TWork WorkOf(PlanStep step) => step.Work as TWork
        ?? throw new InvalidOperationException($"{step.Key}: a {step.Work.GetType().Name} step, not {typeof(TWork).Name}");
}

/// <summary>The kinds an executor knows, found by their work's type.</summary>
public sealed class StepRegistry
{
    private readonly Dictionary<Type, IStepKind> _byWork;

    public StepRegistry(IEnumerable<IStepKind> kinds)
    {
        Kinds = kinds.ToList();
        var dupes = Kinds.GroupBy(k => k.WorkType).Where(g => g.Count() > 1).Select(g => g.Key.Name).ToList();
        if (dupes.Count > 0) throw new ArgumentException($"two step kinds run the same work: {string.Join(", ", dupes)}");
        _byWork = Kinds.ToDictionary(k => k.WorkType);
    }

    public IReadOnlyList<IStepKind> Kinds { get; }

    public IStepKind Of(PlanStep step) => _byWork.TryGetValue(step.Work.GetType(), out var kind) ? kind
        : throw new InvalidOperationException($"{step.Key}: no step kind runs {step.Work.GetType().Name} here (known: {string.Join(", ", Kinds.Select(k => k.Name))})");

    public bool Knows(PlanStep step) => _byWork.ContainsKey(step.Work.GetType());

    public StepRegistry With(IStepKind kind) => new(Kinds.Append(kind));
}

/// <summary>
/// What running a step needs beyond its work: the plan and store, the device, progress, the data
/// (read once per variant and placed on the device), caches shared between steps, and the
/// timings of the steps this invocation has run or reused so far (the report receives them).
/// </summary>
public sealed class StepContext(Plan plan, ArtifactStore store, Device device, IProgressSink progress, string? dataOption) : IDisposable
{
    private readonly Dictionary<Variant, (LabeledImages Train, LabeledImages Test)> _data = new();
    private readonly List<StepTiming> _timings = [];

    public Plan Plan => plan;
    public ArtifactStore Store => store;
    public Device Device => device;
    public IProgressSink Progress => progress;

    /// <summary>Sibling stage-2 children (linearized, centered) of one parent checkpoint share its Jacobian rows.</summary>
    public JacobianFeatureCache SiblingFeatures { get; } = new();

    public IReadOnlyList<StepTiming> Timings => _timings;

    public void Record(StepTiming timing) => _timings.Add(timing);

    public string PathOf(PlanStep step) => store.PathOf(step);

    public string PathOf(string key) => store.PathOf(plan.Step(key));

    public LabeledImages Train(Variant v) => Data(v).Train;

    public LabeledImages Test(Variant v) => Data(v).Test;

    private (LabeledImages Train, LabeledImages Test) Data(Variant v)
    {
        if (_data.TryGetValue(v, out var d)) return d;
        var spec = plan.Preset.DataFor(v);
        var (train, test) = DatasetLoader.Load(spec, dataOption);
        if (plan.Preset.NeedsFullData && (train.Count < 50000 || test.Count < 10000))
            throw new ArgumentException($"preset '{plan.Preset.Name}' needs the full {v.Dataset}; the data root holds {train.Count} training and {test.Count} test images");
        using (train) using (test)
            return _data[v] = (train.To(device), test.To(device));
    }

    public void Dispose()
    {
        SiblingFeatures.Dispose();
        foreach (var (train, test) in _data.Values) { train.Dispose(); test.Dispose(); }
        _data.Clear();
    }
}
