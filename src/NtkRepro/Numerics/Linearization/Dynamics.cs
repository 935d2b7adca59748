namespace NtkRepro.Numerics.Linearization;

/// <summary>
/// The paper's three dynamics around a parent θ_t: standard f_θ(x); linearized
/// f_{θt}(x) + J_{θt}(x)(θ − θt); centered J_{θt}(x)(θ − θt).
/// </summary>
public enum Dynamics
{
    Standard,
    Linearized,
    Centered,
}
