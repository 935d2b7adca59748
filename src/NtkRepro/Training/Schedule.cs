namespace NtkRepro.Training;

/// <summary>How adversarial training steps are taken.</summary>
public enum AdversarialMode
{
    /// <summary>The authors' code: a step on the clean batch, then PGD against the updated weights and a step on the adversarial batch.</summary>
    Mixture,

    /// <summary>Madry et al.: PGD against the current weights and one step on the adversarial batch only.</summary>
    Pure,
}

/// <summary>Which epochs of stage 1 are adversarial: benign, adversarial, or switch:k (benign for epochs 0..k−1, adversarial from k).</summary>
public sealed record Schedule(string Kind, int SwitchEpoch = 0)
{
    public static readonly Schedule Benign = new("benign");
    public static readonly Schedule Adversarial = new("adversarial");
    public static Schedule Switch(int epoch) => new("switch", epoch);

    public bool IsAdversarial(int epoch) => Kind switch
    {
        "benign" => false,
        "adversarial" => true,
        "switch" => epoch >= SwitchEpoch,
        _ => throw new ArgumentException($"unknown schedule '{Kind}'"),
    };

    public static Schedule Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "benign") return Benign;
        if (t == "adversarial") return Adversarial;
        if (t.StartsWith("switch:") && int.TryParse(t[7..], out int k) && k >= 0) return Switch(k);
        throw new ArgumentException($"schedule '{text}': expected benign, adversarial or switch:<epoch>");
    }

    public override string ToString() => Kind == "switch" ? $"switch:{SwitchEpoch}" : Kind;
}
