using System.Net;
using System.Text;
using OrleansCoord.Acls;
using OrleansCoord.Grains.Identities;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using OrleansCoord.ZooKeeper.Server.Jute;
using OrleansCoord.ZooKeeper.Server.Protocol;
using OrleansCoord.ZooKeeper.Server.Sessions;
using OrleansCoord.ZooKeeper.Server.Watches;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>
/// Kestrel's entry point for the ZooKeeper port: the first packet is a four-letter word (answered, then closed) or
/// a connect request (handshake, then <see cref="ZkConnection"/> serves the session).
/// </summary>
internal sealed partial class ZkConnectionHandler(
    IGrainFactory grains,
    CallerCredentials credentials,
    ZkWatchHub hub,
    ZkSessionBinder binder,
    ZkServerStats stats,
    FourLetterWords words,
    IHostApplicationLifetime lifetime,
    ILogger<ZkConnectionHandler> logger) : ConnectionHandler
{
    /// <summary>A client that does not finish its handshake within this time is dropped.</summary>
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);

    /// <summary>protocolVersion, lastZxidSeen, timeOut, sessionId and an empty password's length.</summary>
    private const int MinConnectLength = 28;

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        ConnectRequest request;
        // Not linked to ConnectionClosed: Kestrel fires it when the client half-closes (nc -N sends a four-letter word and
        // its FIN together), and a read with that token then throws before it returns the word. An ended input ends the
        // read anyway (IsCompleted).
        using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping))
        {
            handshake.CancelAfter(HandshakeTimeout);
            try
            {
                var first = await ReadFirstPacketAsync(connection, handshake.Token);
                if (first is null) return;
                request = ConnectRequest.Decode(first);
            }
            catch (Exception exception) when (exception is JuteFormatException or InvalidDataException or OperationCanceledException or IOException or ConnectionResetException)
            {
                LogBadHandshake(logger, connection.RemoteEndPoint?.ToString(), exception.Message);
                return;
            }
        }

        if (request.LastZxidSeen > MaxPlausibleRevision())
        {
            // Revisions are microseconds since the epoch (ADR 002); a client claiming to have seen one far in the
            // future would drag the revisions of everything it writes there. ZooKeeper refuses such a client too.
            LogBadHandshake(logger, connection.RemoteEndPoint?.ToString(), $"last zxid 0x{request.LastZxidSeen:x} is ahead of the grid");
            return;
        }

        var connectionId = Guid.NewGuid();
        ConnectResponse response;
        try
        {
            response = await binder.BindAsync(request, connectionId);
        }
        catch (Exception exception)
        {
            // The grid cannot open or find the session now; the client tries another server or again.
            LogBindFailed(logger, exception);
            return;
        }

        var frame = new JuteWriter();
        response.Write(frame);
        await connection.Transport.Output.WriteAsync(frame.WrittenMemory);
        if (response.TimeoutMs <= 0) return;

        var session = new ZkSessionContext(grains, credentials, response.SessionId, response.TimeoutMs, request.LastZxidSeen)
        {
            ConnectionId = connectionId,
            Identities = ConnectionIdentities(connection),
            CertificateNotAfter = connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate?.NotAfter.ToUniversalTime() ?? DateTimeOffset.MaxValue,
        };
        var served = new ZkConnection(connection, session, stats, logger);
        session.Interest = new ZkWatchInterest(hub, served);
        foreach (var previous in stats.Connections.Keys)
        {
            // The client resumed its session here: its old connection to this silo goes, as ZooKeeper closes it.
            if (previous.SessionId == response.SessionId) previous.CloseMoved();
        }

        stats.Connections.TryAdd(served, 0);
        try
        {
            // The silo is stopping: stop reading, answer what was read, close. The session lives on; its client
            // reconnects to another silo (ZooKeeper's clients do that by themselves).
            await served.RunAsync(lifetime.ApplicationStopping);
        }
        finally
        {
            stats.Connections.TryRemove(served, out _);
        }
    }

    /// <summary>
    /// What the connection itself proves: its address (<c>ip:</c>) and, on the secure port, the subject of the client
    /// certificate TLS verified against <c>--tls-ca</c> (<c>x509:</c>, as ZooKeeper's X509AuthenticationProvider adds it
    /// after the handshake). Nothing the client sends enters here.
    /// </summary>
    private static AuthId[] ConnectionIdentities(ConnectionContext connection)
    {
        var identities = new List<AuthId>(2);
        if (connection.RemoteEndPoint is IPEndPoint remote) identities.Add(Acl.IpIdentity(remote.Address));
        // Kestrel sets the feature only after our validation callback accepted the certificate.
        if (connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate is { } certificate) identities.Add(X509Identity.For(certificate));
        return [.. identities];
    }

    private static long MaxPlausibleRevision() => (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 3_600_000) * 1000;

    /// <summary>The connect packet, or null after answering a four-letter word.</summary>
    private async Task<byte[]?> ReadFirstPacketAsync(ConnectionContext connection, CancellationToken cancellationToken)
    {
        var input = connection.Transport.Input;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (ZkFrames.PeekWord(buffer) is { } word && FourLetterWords.IsKnown(word))
            {
                input.AdvanceTo(buffer.End);
                // Not cancelled by the connection's end either: a half-closed client still reads the answer.
                var answer = await words.AnswerAsync(word, connection.RemoteEndPoint?.ToString() ?? "?");
                await connection.Transport.Output.WriteAsync(Encoding.UTF8.GetBytes(answer), lifetime.ApplicationStopping);
                return null;
            }

            if (ZkFrames.TryRead(ref buffer, MinConnectLength, out var packet))
            {
                input.AdvanceTo(buffer.Start);
                return packet;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "ZooKeeper handshake from {Remote} failed: {Reason}")]
    private static partial void LogBadHandshake(ILogger logger, string? remote, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ZooKeeper connect could not open or resume a session")]
    private static partial void LogBindFailed(ILogger logger, Exception exception);
}
