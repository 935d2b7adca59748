// Fixtures for LayerRulesTests: layers whose uses are known, read from this test assembly.

namespace NtkRepro.Tests.Architecture.Planted.High
{
    public static class Target
    {
        public static int Value(int x) => x + 1;
    }
}

namespace NtkRepro.Tests.Architecture.Planted.Low
{
    public static class Source
    {
        // A partly qualified name (no using directive, no NtkRepro. prefix) inside a lambda: only the closure's IL names it.
        public static Func<int, int> Offset(int offset) => x => High.Target.Value(x) + offset;
    }
}

namespace NtkRepro.Tests.Architecture.PlantedKinds.Used
{
    public class BaseType;
    public interface IMarker;
    public sealed class FieldType;
    public sealed class ParameterType;
    public sealed class ReturnType;
    public sealed class PropertyType;
    public delegate void Handler();
    public class ConstraintType;
    [AttributeUsage(AttributeTargets.Class)] public sealed class MarkerAttribute : Attribute;
    public sealed class TypeofTarget;
    public sealed class GenericArgument;
    public sealed class LocalType;
    public sealed class CaughtException : Exception;
    public static class Called { public static int Value() => 1; }
    public static class AsyncCalled { public static int Value() => 2; }
    public sealed class NestedUse;
    public sealed class RecordMember;
}

namespace NtkRepro.Tests.Architecture.PlantedKinds.User
{
    public class UsesBase : Used.BaseType;
    public class UsesInterface : Used.IMarker;
    public class UsesField { public Used.FieldType? Field; }
    public static class UsesParameter { public static void M(Used.ParameterType p) => GC.KeepAlive(p); }
    public static class UsesReturn { public static Used.ReturnType? M() => null; }
    public class UsesProperty { public Used.PropertyType? P { get; set; } }
    public class UsesEvent { public event Used.Handler? E; public void Raise() => E?.Invoke(); }
    public static class UsesConstraint { public static void M<T>() where T : Used.ConstraintType { } }
    [Used.Marker] public class UsesAttribute;
    [System.ComponentModel.TypeConverter(typeof(Used.TypeofTarget))] public class UsesTypeofArgument;
    public static class UsesGenericArgument { public static int M(object o) => o is List<Used.GenericArgument> l ? l.Count : 0; }
    public static class UsesLocal { public static string M() { var x = new Used.LocalType(); return x.ToString()!; } }
    public static class UsesCatch { public static int M(Action a) { try { a(); return 0; } catch (Used.CaughtException) { return 1; } } }
    public static class UsesLambda { public static Func<int> M() => () => Used.Called.Value(); }
    public static class UsesAsync { public static async Task<int> M() { await Task.Yield(); return Used.AsyncCalled.Value(); } }
    public class UsesNested { public sealed class Inner { public Used.NestedUse? Field; } }
    public sealed record UsesRecord(Used.RecordMember Member);
}
