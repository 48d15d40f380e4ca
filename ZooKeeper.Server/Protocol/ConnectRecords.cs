using OrleansCoord.ZooKeeper.Server.Jute;

namespace OrleansCoord.ZooKeeper.Server.Protocol;

/// <summary>The first packet of a connection: a new session (id 0) or the resumption of one (id and password).</summary>
internal sealed record ConnectRequest(int ProtocolVersion, long LastZxidSeen, int TimeoutMs, long SessionId, byte[] Password, bool ReadOnly)
{
    public static ConnectRequest Decode(ReadOnlySpan<byte> packet)
    {
        var reader = new JuteReader(packet);
        var request = new ConnectRequest(reader.ReadInt(), reader.ReadLong(), reader.ReadInt(), reader.ReadLong(), reader.ReadBuffer() ?? [], false);
        // Clients before 3.4 do not send the readOnly flag.
        return reader.Remaining > 0 ? request with { ReadOnly = reader.ReadBool() } : request;
    }
}

/// <summary>The answer to <see cref="ConnectRequest"/>. A timeout of 0 tells the client its session has expired.</summary>
internal sealed record ConnectResponse(int TimeoutMs, long SessionId, byte[] Password)
{
    public static readonly ConnectResponse Expired = new(0, 0, new byte[16]);

    public void Write(JuteWriter writer)
    {
        writer.BeginFrame();
        writer.WriteInt(0);
        writer.WriteInt(TimeoutMs);
        writer.WriteLong(SessionId);
        writer.WriteBuffer(Password);
        writer.WriteBool(false);
        writer.EndFrame();
    }
}
