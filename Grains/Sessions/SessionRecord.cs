namespace OrleansCoord.Grains.Sessions;

/// <summary>A session as stored: its negotiated timeout and whether it is open or being closed.</summary>
internal sealed record SessionRecord(bool Closing, int TimeoutMs)
{
    public byte[] Encode()
    {
        var bytes = new byte[5];
        bytes[0] = Closing ? (byte)1 : (byte)0;
        BitConverter.TryWriteBytes(bytes.AsSpan(1), TimeoutMs);
        return bytes;
    }

    public static SessionRecord Decode(byte[] bytes) => new(bytes[0] == 1, BitConverter.ToInt32(bytes, 1));
}
