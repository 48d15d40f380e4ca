using System.Buffers;
using System.Buffers.Binary;
using OrleansCoord.ZNodes;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>The framing: every packet is a 4-byte big-endian length and that many bytes.</summary>
internal static class ZkFrames
{
    /// <summary>Largest packet accepted: 1 MiB of data plus room for the path and the rest (ZooKeeper's jute.maxbuffer is 1 MiB).</summary>
    public const int MaxPacket = ZNodeLimits.MaxDataLength + 64 * 1024;

    /// <summary>Takes one whole packet off the front of <paramref name="buffer"/>, if there is one.</summary>
    /// <exception cref="InvalidDataException">The length is negative or above <see cref="MaxPacket"/>.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int minLength, out byte[] packet)
    {
        packet = [];
        if (buffer.Length < 4) return false;
        Span<byte> prefix = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(prefix);
        var length = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (length < minLength || length > MaxPacket) throw new InvalidDataException($"packet length {length}");
        if (buffer.Length < 4 + length) return false;
        packet = buffer.Slice(4, length).ToArray();
        buffer = buffer.Slice(4 + length);
        return true;
    }

    /// <summary>The first four bytes as text, when they are lowercase letters (a four-letter word); else null.</summary>
    public static string? PeekWord(ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < 4) return null;
        Span<byte> word = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(word);
        foreach (var b in word)
        {
            if (b is < (byte)'a' or > (byte)'z') return null;
        }

        return System.Text.Encoding.ASCII.GetString(word);
    }
}
