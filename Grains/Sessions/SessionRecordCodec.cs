using OrleansCoord.Grains.Storage.Records;

namespace OrleansCoord.Grains.Sessions;

/// <summary>A session record's stored bytes: a closing flag byte, then the timeout in milliseconds (little-endian int).</summary>
internal sealed class SessionRecordCodec : IRecordCodec<SessionRecord>
{
    public static readonly SessionRecordCodec Instance = new();

    public byte[] Encode(SessionRecord value)
    {
        var bytes = new byte[5];
        bytes[0] = value.Closing ? (byte)1 : (byte)0;
        BitConverter.TryWriteBytes(bytes.AsSpan(1), value.TimeoutMs);
        return bytes;
    }

    public SessionRecord Decode(byte[] bytes) => new(bytes[0] == 1, BitConverter.ToInt32(bytes, 1));
}
