namespace NtkRepro.Numerics.Data;

/// <summary>
/// .NET's GZipStream returns whatever it decoded when a gzip file ends early, without an error,
/// so a truncated download would silently lose records. The gzip trailer (CRC-32 and length of
/// the last member, RFC 1952) tells: it must describe the end of the decompressed content.
/// </summary>
public static class GzipTrailer
{
    private const int HeaderBytes = 10, TrailerBytes = 8;

    public static void Verify(string path, byte[] content)
    {
        var file = new FileInfo(path);
        if (file.Length < HeaderBytes + TrailerBytes) throw Truncated(path, content, $"the file has only {file.Length} bytes");
        var trailer = new byte[TrailerBytes];
        using (var stream = file.OpenRead())
        {
            stream.Seek(-TrailerBytes, SeekOrigin.End);
            stream.ReadExactly(trailer);
        }
        uint crc = BitConverter.ToUInt32(trailer, 0), size = BitConverter.ToUInt32(trailer, 4);
        // The last member's content is the decompressed content's tail (a multi-member file concatenates).
        if (size > content.Length) throw Truncated(path, content, $"its trailer announces {size:N0} bytes");
        if (Crc32(content.AsSpan(content.Length - (int)size)) != crc) throw Truncated(path, content, "its trailer's CRC-32 does not match the content");
    }

    private static InvalidDataException Truncated(string path, byte[] content, string evidence) =>
        new($"{path}: the gzip stream is truncated (or its end is corrupt): {content.Length:N0} bytes decompressed, {evidence}; download the file again");

    private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFFu;
        foreach (var b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
