using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace NtkRepro.Tests.Architecture;

/// <summary>One type's use of another, read from compiled metadata.</summary>
public readonly record struct TypeUse(TypeName User, TypeName Used);

/// <summary>
/// Every type a compiled assembly's types use: base types and interfaces, fields, method,
/// property and event signatures, generic constraints, custom attributes (and their typeof
/// arguments), locals, catch clauses, and every type, method and field the IL refers to, with the
/// types of their signatures. A nested type, compiler-generated ones included (closures, lambdas,
/// iterators, async state machines), counts as its outermost declaring type.
/// </summary>
public static class TypeDependencies
{
    public static IReadOnlyList<TypeUse> Read(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var reader = pe.GetMetadataReader();
        var types = new SignatureTypes(reader);
        var uses = new HashSet<TypeUse>();
        foreach (var handle in reader.TypeDefinitions)
        {
            var user = SignatureTypes.Name(reader, Outermost(reader, handle));
            foreach (var used in UsedBy(reader, pe, types, reader.GetTypeDefinition(handle)).Select(Outermost))
                if (used != user) uses.Add(new TypeUse(user, used));
        }
        return [.. uses];
    }

    /// <summary>A nested type's outermost declaring type: namespaces are recorded on it alone.</summary>
    private static TypeDefinitionHandle Outermost(MetadataReader reader, TypeDefinitionHandle handle)
    {
        for (var declaring = reader.GetTypeDefinition(handle).GetDeclaringType(); !declaring.IsNil; declaring = reader.GetTypeDefinition(handle).GetDeclaringType())
            handle = declaring;
        return handle;
    }

    private static TypeName Outermost(TypeName used) => used with { Name = used.Name.Split('.')[0] };

    private static IEnumerable<TypeName> UsedBy(MetadataReader reader, PEReader pe, SignatureTypes types, TypeDefinition type)
    {
        var used = new List<TypeName>();
        if (!type.BaseType.IsNil) used.AddRange(Type(reader, types, type.BaseType));
        foreach (var i in type.GetInterfaceImplementations())
        {
            var implementation = reader.GetInterfaceImplementation(i);
            used.AddRange(Type(reader, types, implementation.Interface));
            used.AddRange(Attributes(reader, types, implementation.GetCustomAttributes()));
        }
        used.AddRange(Attributes(reader, types, type.GetCustomAttributes()));
        used.AddRange(GenericParameters(reader, types, type.GetGenericParameters()));
        foreach (var f in type.GetFields())
        {
            var field = reader.GetFieldDefinition(f);
            used.AddRange(field.DecodeSignature(types, null));
            used.AddRange(Attributes(reader, types, field.GetCustomAttributes()));
        }
        foreach (var m in type.GetMethods()) used.AddRange(Method(reader, pe, types, reader.GetMethodDefinition(m)));
        foreach (var p in type.GetProperties())
        {
            var property = reader.GetPropertyDefinition(p);
            used.AddRange(SignatureTypes.Of(property.DecodeSignature(types, null)));
            used.AddRange(Attributes(reader, types, property.GetCustomAttributes()));
        }
        foreach (var e in type.GetEvents())
        {
            var ev = reader.GetEventDefinition(e);
            used.AddRange(Type(reader, types, ev.Type));
            used.AddRange(Attributes(reader, types, ev.GetCustomAttributes()));
        }
        foreach (var i in type.GetMethodImplementations())
            used.AddRange(Member(reader, types, reader.GetMethodImplementation(i).MethodDeclaration));
        return used;
    }

    private static IEnumerable<TypeName> Method(MetadataReader reader, PEReader pe, SignatureTypes types, MethodDefinition method)
    {
        var used = new List<TypeName>(SignatureTypes.Of(method.DecodeSignature(types, null)));
        used.AddRange(Attributes(reader, types, method.GetCustomAttributes()));
        foreach (var p in method.GetParameters()) used.AddRange(Attributes(reader, types, reader.GetParameter(p).GetCustomAttributes()));
        used.AddRange(GenericParameters(reader, types, method.GetGenericParameters()));
        if (method.RelativeVirtualAddress == 0) return used; // abstract, extern or an interface's
        var body = pe.GetMethodBody(method.RelativeVirtualAddress);
        if (!body.LocalSignature.IsNil)
            used.AddRange(reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(types, null).SelectMany(l => l));
        foreach (var region in body.ExceptionRegions)
            if (!region.CatchType.IsNil) used.AddRange(Type(reader, types, region.CatchType));
        foreach (var token in IlTokens.Of(body))
            used.AddRange(token.Kind switch
            {
                HandleKind.TypeDefinition or HandleKind.TypeReference or HandleKind.TypeSpecification => Type(reader, types, token),
                HandleKind.StandaloneSignature => SignatureTypes.Of(reader.GetStandaloneSignature((StandaloneSignatureHandle)token).DecodeMethodSignature(types, null)),
                _ => Member(reader, types, token),
            });
        return used;
    }

    private static IEnumerable<TypeName> GenericParameters(MetadataReader reader, SignatureTypes types, GenericParameterHandleCollection parameters)
    {
        foreach (var g in parameters)
        {
            var parameter = reader.GetGenericParameter(g);
            foreach (var a in Attributes(reader, types, parameter.GetCustomAttributes())) yield return a;
            foreach (var c in parameter.GetConstraints())
            {
                var constraint = reader.GetGenericParameterConstraint(c);
                foreach (var t in Type(reader, types, constraint.Type)) yield return t;
                foreach (var a in Attributes(reader, types, constraint.GetCustomAttributes())) yield return a;
            }
        }
    }

    private static ImmutableArray<TypeName> Type(MetadataReader reader, SignatureTypes types, EntityHandle handle) => handle.Kind switch
    {
        HandleKind.TypeDefinition => [SignatureTypes.Name(reader, (TypeDefinitionHandle)handle)],
        HandleKind.TypeReference => [SignatureTypes.Name(reader, (TypeReferenceHandle)handle)],
        HandleKind.TypeSpecification => reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(types, null),
        _ => throw new BadImageFormatException($"{handle.Kind} where a type was expected"),
    };

    /// <summary>A method or field: its declaring type and the types of its signature (and a generic method's type arguments).</summary>
    private static IEnumerable<TypeName> Member(MetadataReader reader, SignatureTypes types, EntityHandle handle)
    {
        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
                var method = reader.GetMethodDefinition((MethodDefinitionHandle)handle);
                return [SignatureTypes.Name(reader, method.GetDeclaringType()), .. SignatureTypes.Of(method.DecodeSignature(types, null))];
            case HandleKind.FieldDefinition:
                var field = reader.GetFieldDefinition((FieldDefinitionHandle)handle);
                return [SignatureTypes.Name(reader, field.GetDeclaringType()), .. field.DecodeSignature(types, null)];
            case HandleKind.MethodSpecification:
                var spec = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                return [.. Member(reader, types, spec.Method), .. spec.DecodeSignature(types, null).SelectMany(a => a)];
            case HandleKind.MemberReference:
                var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                var parent = member.Parent.Kind switch
                {
                    HandleKind.TypeDefinition or HandleKind.TypeReference or HandleKind.TypeSpecification => Type(reader, types, member.Parent),
                    HandleKind.MethodDefinition => Member(reader, types, member.Parent), // a vararg call site
                    _ => [], // a module's global members
                };
                var signature = member.GetKind() == MemberReferenceKind.Method
                    ? SignatureTypes.Of(member.DecodeMethodSignature(types, null))
                    : member.DecodeFieldSignature(types, null);
                return [.. parent, .. signature];
            default:
                throw new BadImageFormatException($"{handle.Kind} where a method or field was expected");
        }
    }

    /// <summary>The attributes' types, and the types their arguments name (typeof, and enum-typed arguments).</summary>
    private static IEnumerable<TypeName> Attributes(MetadataReader reader, SignatureTypes types, CustomAttributeHandleCollection attributes)
    {
        var used = new List<TypeName>();
        foreach (var a in attributes)
        {
            var attribute = reader.GetCustomAttribute(a);
            used.AddRange(Member(reader, types, attribute.Constructor));
            CustomAttributeValue<ImmutableArray<TypeName>> value;
            try { value = attribute.DecodeValue(types); }
            catch (BadImageFormatException) { continue; } // an enum argument of another assembly's with an underlying type other than int
            foreach (var argument in value.FixedArguments.Concat(value.NamedArguments.Select(n => new CustomAttributeTypedArgument<ImmutableArray<TypeName>>(n.Type, n.Value))))
                used.AddRange(Argument(argument));
        }
        return used;
    }

    private static IEnumerable<TypeName> Argument(CustomAttributeTypedArgument<ImmutableArray<TypeName>> argument) => argument.Value switch
    {
        ImmutableArray<TypeName> type => [.. argument.Type, .. type],
        ImmutableArray<CustomAttributeTypedArgument<ImmutableArray<TypeName>>> elements => [.. argument.Type, .. elements.SelectMany(Argument)],
        _ => argument.Type,
    };
}
