using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace OrleansCoord.ZooKeeper.Server.Jute;

/// <summary>
/// Writes ZooKeeper's jute encoding into a growing buffer. <see cref="BeginFrame"/>/<see cref="EndFrame"/> put the
/// 4-byte big-endian length in front of a packet, as the wire protocol frames every packet.
/// </summary>
internal sealed class JuteWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private int _frameStart = -1;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.WrittenMemory;

    public int WrittenCount => _buffer.WrittenCount;

    public void Clear() => _buffer.Clear();

    public void BeginFrame()
    {
        _frameStart = _buffer.WrittenCount;
        WriteInt(0);
    }

    public void EndFrame()
    {
        var length = _buffer.WrittenCount - _frameStart - 4;
        // The buffer only grows, so the frame's bytes are still where they were written.
        var written = System.Runtime.InteropServices.MemoryMarshal.AsMemory(_buffer.WrittenMemory);
        BinaryPrimitives.WriteInt32BigEndian(written.Span.Slice(_frameStart, 4), length);
        _frameStart = -1;
    }

    public void WriteInt(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void WriteLong(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void WriteBool(bool value)
    {
        _buffer.GetSpan(1)[0] = value ? (byte)1 : (byte)0;
        _buffer.Advance(1);
    }

    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteInt(-1);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        WriteInt(length);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(length);
    }

    public void WriteBuffer(ReadOnlySpan<byte> value)
    {
        WriteInt(value.Length);
        _buffer.Write(value);
    }

    public void WriteNullBuffer() => WriteInt(-1);

    /// <summary>A buffer that may be null: length -1 for null (as ZooKeeper answers a znode written with null data).</summary>
    public void WriteBufferOrNull(byte[]? value)
    {
        if (value is null) WriteNullBuffer();
        else WriteBuffer(value);
    }

    public void WriteStringVector(IReadOnlyCollection<string> values)
    {
        WriteInt(values.Count);
        foreach (var value in values) WriteString(value);
    }

    /// <summary>Raw bytes (a 4-letter word's text answer).</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);
}
