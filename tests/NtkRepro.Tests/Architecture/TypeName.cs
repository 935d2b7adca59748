namespace NtkRepro.Tests.Architecture;

/// <summary>A type as C# names it: its namespace, and its name with enclosing types (Outer.Inner) and without generic arity.</summary>
public readonly record struct TypeName(string Namespace, string Name)
{
    public override string ToString() => Namespace.Length == 0 ? Name : $"{Namespace}.{Name}";

    /// <summary>A metadata name without its generic arity: List`1 is List.</summary>
    public static string WithoutArity(string name) => name.IndexOf('`') is var tick and >= 0 ? name[..tick] : name;

    /// <summary>A serialized (reflection) name, as custom attributes hold typeof arguments: Ns.Outer+Inner`1[[...]], Assembly.</summary>
    public static TypeName FromSerialized(string serialized)
    {
        var name = serialized;
        foreach (var end in new[] { '[', ',' })
            if (name.IndexOf(end) is var i and >= 0) name = name[..i];
        var nested = name.Split('+');
        int dot = nested[0].LastIndexOf('.');
        var ns = dot < 0 ? "" : nested[0][..dot];
        nested[0] = nested[0][(dot + 1)..];
        return new TypeName(ns, string.Join('.', nested.Select(WithoutArity)));
    }
}
