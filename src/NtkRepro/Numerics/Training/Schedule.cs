namespace NtkRepro.Numerics.Training;

/// <summary>How adversarial training steps are taken.</summary>
public enum AdversarialMode
{
    /// <summary>The authors' code: a step on the clean batch, then PGD against the updated weights and a step on the adversarial batch.</summary>
    Mixture,

    /// <summary>Madry et al.: PGD against the current weights and one step on the adversarial batch only.</summary>
    Pure,
}

/// <summary>The three stage-1 schedules of the paper.</summary>
public enum ScheduleKind
{
    Benign,
    Adversarial,
    /// <summary>The paper's 50/50 run: benign, then adversarial from the switch epoch on.</summary>
    Switch,
}

/// <summary>Which epochs of stage 1 are adversarial: benign, adversarial, or switch:k (benign for epochs 0..k−1, adversarial from k).</summary>
public sealed record Schedule(ScheduleKind Kind, int SwitchEpoch = 0)
{
    public static readonly Schedule Benign = new(ScheduleKind.Benign);
    public static readonly Schedule Adversarial = new(ScheduleKind.Adversarial);
    public static Schedule Switch(int epoch) => new(ScheduleKind.Switch, epoch);

    // A method, not a property: a run's configuration is serialized into its step key, and a derived
    // property would enter it and move every stored run to a new folder.
    public ScheduleStrategy Strategy() => ScheduleStrategy.Of(Kind);

    public bool IsAdversarial(int epoch) => Strategy().IsAdversarial(epoch, SwitchEpoch);

    /// <summary>The name runs, keys and reports use: benign, adversarial, switch.</summary>
    public static string Name(ScheduleKind kind) => ScheduleStrategy.Of(kind).Name;

    public static Schedule Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t.StartsWith("switch:") && int.TryParse(t[7..], out int k) && k >= 0) return Switch(k);
        foreach (var kind in ScheduleStrategy.All)
            if (kind != ScheduleKind.Switch && t == Name(kind)) return new Schedule(kind);
        throw new ArgumentException($"schedule '{text}': expected benign, adversarial or switch:<epoch>");
    }

    public override string ToString() => Kind == ScheduleKind.Switch ? $"switch:{SwitchEpoch}" : Name(Kind);
}
