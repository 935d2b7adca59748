using NtkRepro.Tests.Architecture.PlantedKinds.User;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Architecture;

/// <summary>The layering check on planted uses in this assembly (Planted.cs): a forbidden use is reported, and every kind of use is seen.</summary>
[Tier(TestTier.Fast)]
public class LayerRulesTests
{
    private static readonly IReadOnlyList<TypeUse> Uses = TypeDependencies.Read(typeof(LayerRulesTests).Assembly.Location);

    private static Func<string, string?> Under(string prefix) =>
        ns => ns.StartsWith(prefix, StringComparison.Ordinal) ? ns[prefix.Length..].Split('.')[0] : null;

    [Fact]
    public void APlantedForbiddenUseIsReportedAndAnAllowedOneIsNot()
    {
        var layerOf = Under("NtkRepro.Tests.Architecture.Planted.");
        var forbidding = new LayerRules(new Dictionary<string, string[]> { ["Low"] = [], ["High"] = [] }, layerOf);
        Assert.Equal(["Low/Source (type NtkRepro.Tests.Architecture.Planted.Low.Source) uses NtkRepro.Tests.Architecture.Planted.High.Target"],
            forbidding.Violations(Uses).Select(v => v.ToString()));
        var allowing = new LayerRules(new Dictionary<string, string[]> { ["Low"] = ["High"], ["High"] = [] }, layerOf);
        Assert.Empty(allowing.Violations(Uses));
    }

    [Fact]
    public void EveryKindOfUseIsSeenAndCountsForTheOutermostType()
    {
        var rules = new LayerRules(new Dictionary<string, string[]> { ["User"] = [], ["Used"] = [] }, Under("NtkRepro.Tests.Architecture.PlantedKinds."));
        var expected = new (Type User, string Used)[]
        {
            (typeof(UsesBase), "BaseType"), (typeof(UsesInterface), "IMarker"), (typeof(UsesField), "FieldType"),
            (typeof(UsesParameter), "ParameterType"), (typeof(UsesReturn), "ReturnType"), (typeof(UsesProperty), "PropertyType"),
            (typeof(UsesEvent), "Handler"), (typeof(UsesConstraint), "ConstraintType"), (typeof(UsesAttribute), "MarkerAttribute"),
            (typeof(UsesTypeofArgument), "TypeofTarget"), (typeof(UsesGenericArgument), "GenericArgument"), (typeof(UsesLocal), "LocalType"),
            (typeof(UsesCatch), "CaughtException"), (typeof(UsesLambda), "Called"), (typeof(UsesAsync), "AsyncCalled"),
            (typeof(UsesNested), "NestedUse"), (typeof(UsesRecord), "RecordMember"),
        };
        Assert.Equal(expected.Select(e => $"User/{e.User.Name} (type {e.User.FullName}) uses NtkRepro.Tests.Architecture.PlantedKinds.Used.{e.Used}").Order(StringComparer.Ordinal),
            rules.Violations(Uses).Select(v => v.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ACycleInTheMapIsFound()
    {
        var rules = new LayerRules(new Dictionary<string, string[]> { ["A"] = ["B"], ["B"] = ["C"], ["C"] = ["A"], ["D"] = ["A"] }, _ => null);
        Assert.Equal(["A", "B", "C", "A"], rules.Cycle());
        Assert.Null(new LayerRules(new Dictionary<string, string[]> { ["A"] = ["B", "C"], ["B"] = ["C"], ["C"] = [] }, _ => null).Cycle());
    }

    [Fact]
    public void SerializedNamesLoseAssemblyArityAndNesting()
    {
        Assert.Equal(new TypeName("A.B", "Outer.Inner"), TypeName.FromSerialized("A.B.Outer+Inner, Some.Assembly, Version=1.0.0.0"));
        Assert.Equal(new TypeName("System.Collections.Generic", "List"), TypeName.FromSerialized("System.Collections.Generic.List`1[[System.Int32, System.Private.CoreLib]]"));
        Assert.Equal(new TypeName("", "Global"), TypeName.FromSerialized("Global"));
    }
}
