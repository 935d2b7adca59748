namespace NtkRepro.Numerics.Training;

/// <summary>
/// What one of the paper's stage-1 schedules means to the code that seeds, trains, plans and names
/// a run: everything that differs between benign, adversarial and switch is here, so a new
/// schedule is its enum value and its strategy below (as <c>DynamicsKind</c> is for children).
/// </summary>
public abstract class ScheduleStrategy
{
    private protected ScheduleStrategy(ScheduleKind kind, int seedStream, string label)
    {
        Kind = kind;
        SeedStream = seedStream;
        Label = label;
    }

    public ScheduleKind Kind { get; }

    /// <summary>The name keys, folders and reports use: benign, adversarial, switch.</summary>
    public string Name => Kind.ToString().ToLowerInvariant();

    /// <summary>How prose names the run (the paper's "AT" for adversarial training).</summary>
    public string Label { get; }

    /// <summary>
    /// The schedule's own seed stream, written out rather than taken from the enum's order, so that
    /// adding or reordering a schedule cannot move the seeds of existing runs.
    /// </summary>
    public int SeedStream { get; }

    /// <summary>Whether epoch <paramref name="epoch"/> trains on adversarial examples; <paramref name="switchEpoch"/> is the 50/50 run's first adversarial epoch.</summary>
    public abstract bool IsAdversarial(int epoch, int switchEpoch);

    /// <summary>Some epoch attacks, so the run's configuration carries the training attack and depends on ε.</summary>
    public abstract bool Attacks { get; }

    /// <summary>The run never attacks, so one run serves every radius of a dataset (its steps live under the dataset's shared prefix).</summary>
    public bool SharedAcrossRadii => !Attacks;

    /// <summary>The schedule a run of this kind follows in a preset whose 50/50 run switches at <paramref name="switchEpoch"/>.</summary>
    public virtual Schedule ScheduleFor(int switchEpoch) => new(Kind);

    /// <summary>A reason the schedule cannot run <paramref name="epochs"/> epochs; null when it can.</summary>
    public virtual string? Invalid(int switchEpoch, int epochs) => null;

    public static ScheduleStrategy Of(ScheduleKind kind) => kind switch
    {
        ScheduleKind.Benign => Benign,
        ScheduleKind.Adversarial => Adversarial,
        ScheduleKind.Switch => Switch,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown schedule"),
    };

    /// <summary>Every schedule, in the enum's order.</summary>
    public static IReadOnlyList<ScheduleKind> All => Enum.GetValues<ScheduleKind>();

    private static readonly ScheduleStrategy Benign = new Constant(ScheduleKind.Benign, 0, "benign", adversarial: false);
    private static readonly ScheduleStrategy Adversarial = new Constant(ScheduleKind.Adversarial, 1, "AT", adversarial: true);
    private static readonly ScheduleStrategy Switch = new SwitchSchedule();

    private sealed class Constant(ScheduleKind kind, int seedStream, string label, bool adversarial) : ScheduleStrategy(kind, seedStream, label)
    {
        public override bool IsAdversarial(int epoch, int switchEpoch) => adversarial;
        public override bool Attacks => adversarial;
    }

    /// <summary>The paper's 50/50 run: benign for epochs 0..k−1, adversarial from k on.</summary>
    private sealed class SwitchSchedule() : ScheduleStrategy(ScheduleKind.Switch, 2, "50/50")
    {
        public override bool IsAdversarial(int epoch, int switchEpoch) => epoch >= switchEpoch;
        public override bool Attacks => true;
        public override Schedule ScheduleFor(int switchEpoch) => Schedule.Switch(switchEpoch);
        public override string? Invalid(int switchEpoch, int epochs) =>
            switchEpoch < 1 || switchEpoch >= epochs ? $"the switch epoch must lie in 1..{epochs - 1}, inside a run of {epochs} epochs" : null;
    }
}
