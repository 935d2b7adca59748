using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace NtkRepro.Tests.Architecture;

/// <summary>
/// Decodes a signature (or a custom attribute's arguments) into every type it names: generic
/// arguments, array and pointer element types, modifiers, function pointer parameters. Generic
/// parameters and primitives name none.
/// </summary>
public sealed class SignatureTypes(MetadataReader reader) : ISignatureTypeProvider<ImmutableArray<TypeName>, object?>, ICustomAttributeTypeProvider<ImmutableArray<TypeName>>
{
    private static readonly TypeName SystemType = new("System", "Type");

    public ImmutableArray<TypeName> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];
    public ImmutableArray<TypeName> GetTypeFromDefinition(MetadataReader r, TypeDefinitionHandle handle, byte rawTypeKind) => [Name(r, handle)];
    public ImmutableArray<TypeName> GetTypeFromReference(MetadataReader r, TypeReferenceHandle handle, byte rawTypeKind) => [Name(r, handle)];
    public ImmutableArray<TypeName> GetTypeFromSpecification(MetadataReader r, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
        r.GetTypeSpecification(handle).DecodeSignature(this, context);
    public ImmutableArray<TypeName> GetSZArrayType(ImmutableArray<TypeName> elementType) => elementType;
    public ImmutableArray<TypeName> GetArrayType(ImmutableArray<TypeName> elementType, ArrayShape shape) => elementType;
    public ImmutableArray<TypeName> GetByReferenceType(ImmutableArray<TypeName> elementType) => elementType;
    public ImmutableArray<TypeName> GetPointerType(ImmutableArray<TypeName> elementType) => elementType;
    public ImmutableArray<TypeName> GetPinnedType(ImmutableArray<TypeName> elementType) => elementType;
    public ImmutableArray<TypeName> GetGenericInstantiation(ImmutableArray<TypeName> genericType, ImmutableArray<ImmutableArray<TypeName>> typeArguments) =>
        [.. genericType, .. typeArguments.SelectMany(a => a)];
    public ImmutableArray<TypeName> GetGenericMethodParameter(object? context, int index) => [];
    public ImmutableArray<TypeName> GetGenericTypeParameter(object? context, int index) => [];
    public ImmutableArray<TypeName> GetFunctionPointerType(MethodSignature<ImmutableArray<TypeName>> signature) => Of(signature);
    public ImmutableArray<TypeName> GetModifiedType(ImmutableArray<TypeName> modifier, ImmutableArray<TypeName> unmodifiedType, bool isRequired) =>
        [.. unmodifiedType, .. modifier];

    public ImmutableArray<TypeName> GetSystemType() => [SystemType];
    public bool IsSystemType(ImmutableArray<TypeName> type) => type.Length == 1 && type[0] == SystemType;
    public ImmutableArray<TypeName> GetTypeFromSerializedName(string name) => [TypeName.FromSerialized(name)];

    /// <summary>An enum's underlying type, read from its value__ field where the enum is defined in this assembly (Int32 otherwise, as nearly all are).</summary>
    public PrimitiveTypeCode GetUnderlyingEnumType(ImmutableArray<TypeName> type)
    {
        foreach (var handle in reader.TypeDefinitions)
        {
            if (type.Length != 1 || Name(reader, handle) != type[0]) continue;
            foreach (var f in reader.GetTypeDefinition(handle).GetFields())
            {
                var field = reader.GetFieldDefinition(f);
                if ((field.Attributes & System.Reflection.FieldAttributes.Static) != 0) continue;
                var blob = reader.GetBlobReader(field.Signature);
                blob.ReadSignatureHeader();
                return (PrimitiveTypeCode)blob.ReadSignatureTypeCode();
            }
        }
        return PrimitiveTypeCode.Int32;
    }

    public static ImmutableArray<TypeName> Of(MethodSignature<ImmutableArray<TypeName>> signature) =>
        [.. signature.ReturnType, .. signature.ParameterTypes.SelectMany(p => p)];

    public static TypeName Name(MetadataReader r, TypeDefinitionHandle handle)
    {
        var type = r.GetTypeDefinition(handle);
        var name = TypeName.WithoutArity(r.GetString(type.Name));
        var declaring = type.GetDeclaringType();
        if (declaring.IsNil) return new TypeName(r.GetString(type.Namespace), name);
        var outer = Name(r, declaring);
        return outer with { Name = $"{outer.Name}.{name}" };
    }

    public static TypeName Name(MetadataReader r, TypeReferenceHandle handle)
    {
        var type = r.GetTypeReference(handle);
        var name = TypeName.WithoutArity(r.GetString(type.Name));
        if (type.ResolutionScope.Kind != HandleKind.TypeReference) return new TypeName(r.GetString(type.Namespace), name);
        var outer = Name(r, (TypeReferenceHandle)type.ResolutionScope);
        return outer with { Name = $"{outer.Name}.{name}" };
    }
}
