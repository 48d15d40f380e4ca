using System.Buffers.Binary;
using System.Text;

namespace OrleansCoord.ZooKeeper.Server.Jute;

/// <summary>
/// Reads ZooKeeper's jute encoding from one packet: big-endian ints and longs, one byte per bool, and strings,
/// buffers and vectors as an int length (-1 = null) followed by their content. Reading past the end, or a length
/// that does not fit the packet, is a <see cref="JuteFormatException"/>.
/// </summary>
internal ref struct JuteReader(ReadOnlySpan<byte> packet)
{
    private readonly ReadOnlySpan<byte> _packet = packet;
    private int _offset;

    public readonly int Remaining => _packet.Length - _offset;

    public int ReadInt() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public long ReadLong() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public bool ReadBool() => Take(1)[0] != 0;

    /// <summary>A UTF-8 string; null when the length is -1.</summary>
    public string? ReadString()
    {
        var length = ReadLength();
        return length < 0 ? null : Encoding.UTF8.GetString(Take(length));
    }

    /// <summary>A byte buffer; null when the length is -1.</summary>
    public byte[]? ReadBuffer()
    {
        var length = ReadLength();
        return length < 0 ? null : Take(length).ToArray();
    }

    /// <summary>A vector's element count; -1 for a null vector. Each element takes at least one byte, so a count
    /// larger than what is left cannot be honest.</summary>
    public int ReadVectorCount()
    {
        var count = ReadInt();
        if (count < -1 || count > Remaining) throw new JuteFormatException($"vector of {count} elements in {Remaining} bytes");
        return count;
    }

    public List<string> ReadStringVector()
    {
        var count = ReadVectorCount();
        var items = new List<string>(Math.Max(count, 0));
        for (var i = 0; i < count; i++) items.Add(ReadString() ?? "");
        return items;
    }

    private int ReadLength()
    {
        var length = ReadInt();
        if (length < -1 || length > Remaining) throw new JuteFormatException($"length {length} with {Remaining} bytes left");
        return length;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining) throw new JuteFormatException($"needs {count} bytes, {Remaining} left");
        var span = _packet.Slice(_offset, count);
        _offset += count;
        return span;
    }
}
