using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace NtkRepro.Tests.Architecture;

/// <summary>The metadata tokens a method body's IL refers to (types, methods, fields, signatures; not strings).</summary>
public static class IlTokens
{
    private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes).GetFields()
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    public static IEnumerable<EntityHandle> Of(MethodBodyBlock body)
    {
        var il = body.GetILReader();
        var tokens = new List<EntityHandle>();
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE) value = unchecked((short)(0xFE00 | il.ReadByte()));
            if (!Operands.TryGetValue(value, out var operand)) throw new BadImageFormatException($"unknown IL opcode 0x{value:X}");
            switch (operand)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineSig or OperandType.InlineTok or OperandType.InlineType:
                    tokens.Add(MetadataTokens.EntityHandle(il.ReadInt32()));
                    break;
                case OperandType.InlineSwitch:
                    int targets = il.ReadInt32(); // read before Offset is: 'Offset += 4 * ReadInt32()' would lose the count's bytes
                    il.Offset += 4 * targets;
                    break;
                default:
                    il.Offset += OperandBytes(operand);
                    break;
            }
        }
        return tokens;
    }

    private static int OperandBytes(OperandType operand) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4, // InlineBrTarget, InlineI, InlineString, ShortInlineR
    };
}
