using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>
/// A ZooKeeper client at the byte level, written from zookeeper.jute independently of the silo's codec: frames are
/// built by hand, so a test can also send what no real client would (bad lengths, unknown types, cut records).
/// </summary>
internal sealed class RawZkConnection : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly Stream _stream;
    private int _xid;

    private RawZkConnection(TcpClient tcp, Stream? stream = null)
    {
        _tcp = tcp;
        _stream = stream ?? tcp.GetStream();
    }

    public long SessionId { get; private set; }

    public byte[] Password { get; private set; } = [];

    public int TimeoutMs { get; private set; }

    /// <summary>Connects and shakes hands: a new session (id 0) or the resumption of one.
    /// <paramref name="receiveBuffer"/>: the socket's receive buffer (set before connecting, so the window stays that small).</summary>
    public static async Task<RawZkConnection> ConnectAsync(int port, int timeoutMs = 10_000, long sessionId = 0, byte[]? password = null,
        int? receiveBuffer = null)
    {
        var tcp = new TcpClient();
        if (receiveBuffer is { } size) tcp.ReceiveBufferSize = size;
        await tcp.ConnectAsync("127.0.0.1", port, Ct);
        return await HandshakeAsync(new RawZkConnection(tcp), timeoutMs, sessionId, password);
    }

    /// <summary>
    /// As <see cref="ConnectAsync"/>, over TLS: the server must chain to <paramref name="ca"/>; <paramref name="clientCertificate"/>
    /// (with its key) is offered when given. A refusal shows as an exception from the TLS handshake or from the first read.
    /// </summary>
    public static async Task<RawZkConnection> ConnectTlsAsync(int port, X509Certificate2 ca, X509Certificate2? clientCertificate, int timeoutMs = 10_000)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port, Ct);
        var tls = new SslStream(tcp.GetStream());
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { ca },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            }, Ct);
            return await HandshakeAsync(new RawZkConnection(tcp, tls), timeoutMs, 0, null);
        }
        catch
        {
            await tls.DisposeAsync();
            tcp.Dispose();
            throw;
        }
    }

    private static async Task<RawZkConnection> HandshakeAsync(RawZkConnection connection, int timeoutMs, long sessionId, byte[]? password)
    {
        var request = new Packet().Int(0).Long(0).Int(timeoutMs).Long(sessionId).Buffer(password ?? new byte[16]).Bool(false);
        await connection.SendRawAsync(request.Framed());
        var response = new Reader(await connection.ReadPacketAsync() ?? throw new IOException("closed during the handshake"));
        _ = response.Int();
        connection.TimeoutMs = response.Int();
        connection.SessionId = response.Long();
        connection.Password = response.Buffer() ?? [];
        return connection;
    }

    public Task SendRawAsync(byte[] bytes) => _stream.WriteAsync(bytes, Ct).AsTask();

    /// <summary>Sends a request (header with the next xid, then <paramref name="body"/>) and returns its xid.</summary>
    public async Task<int> SendAsync(int type, Packet body, int? fixedXid = null)
    {
        // Pings carry their own xid, -2, as in ZooKeeper's clients; setWatches -8.
        var xid = fixedXid ?? (type == Op.Ping ? -2 : ++_xid);
        await SendRawAsync(new Packet().Int(xid).Int(type).Bytes(body.ToArray()).Framed());
        return xid;
    }

    /// <summary>Sends a request and reads packets until its reply (notifications before it are returned too).</summary>
    public async Task<Reply> CallAsync(int type, Packet body, int? fixedXid = null)
    {
        var xid = await SendAsync(type, body, fixedXid);
        return await ReadReplyAsync(xid);
    }

    public async Task<Reply> ReadReplyAsync(int xid)
    {
        var notifications = new List<(int Type, string Path)>();
        while (true)
        {
            var packet = await ReadPacketAsync() ?? throw new IOException($"connection closed before the reply to {xid}");
            var reader = new Reader(packet);
            var (replyXid, zxid, err) = (reader.Int(), reader.Long(), reader.Int());
            if (replyXid == -1)
            {
                var type = reader.Int();
                _ = reader.Int();
                notifications.Add((type, reader.String()!));
                continue;
            }

            if (replyXid != xid) throw new InvalidOperationException($"reply to {replyXid} while waiting for {xid}");
            return new Reply(err, zxid, reader, notifications);
        }
    }

    /// <summary>The next packet, or null once the server has closed the connection.</summary>
    public async Task<byte[]?> ReadPacketAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var prefix = new byte[4];
        if (!await ReadExactlyAsync(prefix, timeout.Token)) return null;
        var packet = new byte[BinaryPrimitives.ReadInt32BigEndian(prefix)];
        return await ReadExactlyAsync(packet, timeout.Token) ? packet : null;
    }

    /// <summary>True when the server closes the connection (after any packets it still sends, which are returned).</summary>
    public async Task<List<byte[]>> ReadUntilClosedAsync()
    {
        var packets = new List<byte[]>();
        try
        {
            while (await ReadPacketAsync() is { } packet) packets.Add(packet);
        }
        catch (IOException)
        {
            // Reset instead of FIN: closed as well.
        }

        return packets;
    }

    private async Task<bool> ReadExactlyAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await _stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0) return false;
            read += n;
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A reply: its error code, its zxid, a reader at its body, and the notifications that came before it.</summary>
    public sealed record Reply(int Err, long Zxid, Reader Body, List<(int Type, string Path)> Notifications);

    /// <summary>Builds a jute record.</summary>
    public sealed class Packet
    {
        private readonly MemoryStream _bytes = new();

        public Packet Int(int value) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteInt32BigEndian(b, value); _bytes.Write(b); return this; }

        public Packet Long(long value) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteInt64BigEndian(b, value); _bytes.Write(b); return this; }

        public Packet Bool(bool value) { _bytes.WriteByte(value ? (byte)1 : (byte)0); return this; }

        public Packet String(string? value) => value is null ? Int(-1) : Buffer(Encoding.UTF8.GetBytes(value));

        public Packet Buffer(byte[] value) { Int(value.Length); _bytes.Write(value); return this; }

        public Packet Bytes(byte[] value) { _bytes.Write(value); return this; }

        /// <summary>world:anyone with all permissions, the usual ACL.</summary>
        public Packet OpenAcl() => Int(1).Int(31).String("world").String("anyone");

        public byte[] ToArray() => _bytes.ToArray();

        /// <summary>The record with its 4-byte length in front.</summary>
        public byte[] Framed() => new Packet().Int((int)_bytes.Length).Bytes(ToArray()).ToArray();
    }

    /// <summary>Reads a jute record.</summary>
    public sealed class Reader(byte[] packet)
    {
        private int _offset;

        public int Int() { var v = BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(_offset)); _offset += 4; return v; }

        public byte Byte() => packet[_offset++];

        public long Long() { var v = BinaryPrimitives.ReadInt64BigEndian(packet.AsSpan(_offset)); _offset += 8; return v; }

        public string? String() => Buffer() is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

        public byte[]? Buffer()
        {
            var length = Int();
            if (length < 0) return null;
            var bytes = packet.AsSpan(_offset, length).ToArray();
            _offset += length;
            return bytes;
        }

        public List<string> Strings() => Enumerable.Range(0, Int()).Select(_ => String()!).ToList();

        /// <summary>Reads a Stat and returns its aversion (the number of ACL changes).</summary>
        public int StatAversion()
        {
            _offset += 8 * 4 + 4 * 2;
            var aversion = Int();
            _offset += 8 + 4 + 4 + 8;
            return aversion;
        }

        /// <summary>A vector of ACL: (perms, scheme, id) per entry.</summary>
        public List<(int Perms, string Scheme, string Id)> Acl() =>
            Enumerable.Range(0, Int()).Select(_ => (Int(), String()!, String()!)).ToList();

        /// <summary>A Stat: czxid, mzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner, dataLength, numChildren, pzxid.</summary>
        public (long Czxid, long Mzxid, int Version, int Cversion, long EphemeralOwner, int DataLength, int NumChildren, long Pzxid) Stat()
        {
            var (czxid, mzxid) = (Long(), Long());
            _ = Long();
            _ = Long();
            var (version, cversion) = (Int(), Int());
            _ = Int();
            var owner = Long();
            var (length, children) = (Int(), Int());
            return (czxid, mzxid, version, cversion, owner, length, children, Long());
        }
    }
}
