using System.Buffers.Binary;
using System.Text;

namespace NtkRepro.Numerics.Native;

/// <summary>
/// Reads and edits the version-needed table (.gnu.version_r) of a 64-bit little-endian ELF file.
/// Each entry names a symbol version a shared object requires from a dependency; the dynamic
/// loader refuses to load the object when a non-weak required version is missing.
/// </summary>
public static class ElfVersionNeed
{
    public const ushort WeakFlag = 0x2; // VER_FLG_WEAK
    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>One required version: its name and the file offset of its vna_flags field.</summary>
    public readonly record struct Requirement(string Library, string Version, long FlagsOffset, ushort Flags)
    {
        public bool IsWeak => (Flags & WeakFlag) != 0;
    }

    public static IReadOnlyList<Requirement> Read(byte[] elf, string fileName)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException($"{fileName}: not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException($"{fileName}: only 64-bit little-endian ELF is supported");

        var span = elf.AsSpan();
        long shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);
        var result = new List<Requirement>();
        for (int i = 0; i < shnum; i++)
        {
            var sh = span[(int)(shoff + (long)i * shentsize)..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(sh[4..]) != ShtGnuVerneed) continue;
            long offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(sh[0x18..]);
            int link = (int)BinaryPrimitives.ReadUInt32LittleEndian(sh[0x28..]);
            var strSh = span[(int)(shoff + (long)link * shentsize)..];
            long strOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(strSh[0x18..]);
            ReadVerneedChain(elf, offset, strOffset, result);
        }
        return result;
    }

    private static void ReadVerneedChain(byte[] elf, long entry, long strOffset, List<Requirement> into)
    {
        var span = elf.AsSpan();
        while (true)
        {
            ushort count = BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(entry + 2)..]);
            uint file = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(entry + 4)..]);
            uint aux = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(entry + 8)..]);
            uint next = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(entry + 12)..]);
            string library = ReadString(elf, strOffset + file);
            long a = entry + aux;
            for (int k = 0; k < count; k++)
            {
                ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(a + 4)..]);
                uint name = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(a + 8)..]);
                uint auxNext = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(a + 12)..]);
                into.Add(new Requirement(library, ReadString(elf, strOffset + name), a + 4, flags));
                if (auxNext == 0) break;
                a += auxNext;
            }
            if (next == 0) return;
            entry += next;
        }
    }

    private static string ReadString(byte[] elf, long offset)
    {
        int end = Array.IndexOf(elf, (byte)0, (int)offset);
        return Encoding.ASCII.GetString(elf, (int)offset, end - (int)offset);
    }

    /// <summary>Marks one required version weak in memory; returns false when it was already weak.</summary>
    public static bool MarkWeak(byte[] elf, Requirement requirement)
    {
        if (requirement.IsWeak) return false;
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan((int)requirement.FlagsOffset), (ushort)(requirement.Flags | WeakFlag));
        return true;
    }
}
