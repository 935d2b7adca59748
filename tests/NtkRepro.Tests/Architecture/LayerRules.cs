namespace NtkRepro.Tests.Architecture;

/// <summary>A use of a type of a layer the user's layer may not use.</summary>
public readonly record struct LayerViolation(string UserLayer, TypeName User, string UsedLayer, TypeName Used)
{
    public override string ToString() => $"{UserLayer}/{User.Name} (type {User}) uses {Used}";
}

/// <summary>
/// Which layers each layer may use (a layer may always use itself), and which layer a namespace
/// belongs to (null: not one of the project's, such as System or TorchSharp).
/// </summary>
public sealed class LayerRules(IReadOnlyDictionary<string, string[]> allowed, Func<string, string?> layerOf)
{
    public IReadOnlyDictionary<string, string[]> Allowed { get; } = allowed;

    public string? LayerOf(TypeName type) => layerOf(type.Namespace);

    /// <summary>Every use, between the project's layers, that the map does not allow; a layer missing from the map is used by, or uses, nothing.</summary>
    public IReadOnlyList<LayerViolation> Violations(IEnumerable<TypeUse> uses) =>
        [.. Between(uses)
            .Where(u => u.UserLayer != u.UsedLayer && !(Allowed.TryGetValue(u.UserLayer, out var may) && may.Contains(u.UsedLayer)))
            .OrderBy(u => u.UserLayer, StringComparer.Ordinal).ThenBy(u => u.User.ToString(), StringComparer.Ordinal).ThenBy(u => u.Used.ToString(), StringComparer.Ordinal)];

    /// <summary>Which layers each layer uses, measured: the map the uses would need.</summary>
    public IReadOnlyDictionary<string, SortedSet<string>> Measure(IEnumerable<TypeUse> uses)
    {
        var measured = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var u in Between(uses))
        {
            if (!measured.TryGetValue(u.UserLayer, out var set)) measured[u.UserLayer] = set = new SortedSet<string>(StringComparer.Ordinal);
            if (u.UsedLayer != u.UserLayer) set.Add(u.UsedLayer);
        }
        return measured;
    }

    /// <summary>A cycle of allowed edges (A, B, ..., A), or null when the map is acyclic.</summary>
    public IReadOnlyList<string>? Cycle()
    {
        var state = new Dictionary<string, bool>(); // false: on the path, true: done
        var path = new List<string>();
        foreach (var layer in Allowed.Keys)
            if (Visit(layer) is { } cycle) return cycle;
        return null;

        IReadOnlyList<string>? Visit(string layer)
        {
            if (state.TryGetValue(layer, out var done))
                return done ? null : [.. path.Skip(path.IndexOf(layer)), layer];
            state[layer] = false;
            path.Add(layer);
            foreach (var next in Allowed.GetValueOrDefault(layer, []))
                if (Visit(next) is { } cycle) return cycle;
            path.RemoveAt(path.Count - 1);
            state[layer] = true;
            return null;
        }
    }

    /// <summary>The map as C# source, one line per layer, as <see cref="LayeringTests"/> writes it.</summary>
    public static string Format(IReadOnlyDictionary<string, SortedSet<string>> map) =>
        string.Join("\n", map.Select(kv => $"[\"{kv.Key}\"] = [{string.Join(", ", kv.Value.Select(v => $"\"{v}\""))}],"));

    private IEnumerable<LayerViolation> Between(IEnumerable<TypeUse> uses)
    {
        foreach (var u in uses)
            if (LayerOf(u.User) is { } userLayer && LayerOf(u.Used) is { } usedLayer)
                yield return new LayerViolation(userLayer, u.User, usedLayer, u.Used);
    }
}
