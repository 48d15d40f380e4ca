using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace OrleansCoord.Proxy.FastPath.Handoff;

/// <summary>
/// Kestrel's listener on a <see cref="HandoffEndPoint"/>: its accept loop takes the connections the fast path handed
/// over, in the order they were handed, each made a Kestrel socket connection whose input starts with the bytes the fast
/// path had read (<see cref="PrefixedConnection"/>); on the HTTPS port's endpoint, each a connection over the TLS session
/// the fast path began (<see cref="DecryptedConnection"/>).
/// </summary>
internal sealed partial class HandoffListener : IConnectionListener, IDisposable
{
    private readonly HandoffEndPoint _endPoint;
    private readonly SocketConnectionContextFactory _connections;
    private readonly ILogger _logger;
    private readonly Action<HandoffListener> _unbound;
    private readonly PipeScheduler _readerScheduler;
    private readonly long _pauseThreshold;

    // Unbounded: Hand runs on the fast path's event loop and must not wait; the queue is only as long as Kestrel's
    // accept loop is behind. Without synchronous continuations (the default), so the accept loop's work resumes on the
    // thread pool, not inside Hand. Two readers: the accept loop, and UnbindAsync closing what was never accepted.
    private readonly Channel<HandedSocket> _handed = Channel.CreateUnbounded<HandedSocket>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });

    /// <param name="socketsLogger">The logger of Kestrel's socket transport, for the socket connections it makes.</param>
    public HandoffListener(HandoffEndPoint endPoint, SocketConnectionFactoryOptions options, ILogger socketsLogger, ILogger logger, Action<HandoffListener> unbound)
    {
        _endPoint = endPoint;
        _connections = new SocketConnectionContextFactory(options, socketsLogger);
        _logger = logger;
        _unbound = unbound;
        _readerScheduler = options.UnsafePreferInlineScheduling ? PipeScheduler.Inline : PipeScheduler.ThreadPool;
        _pauseThreshold = options.MaxReadBufferSize ?? 0;
    }

    public EndPoint EndPoint => _endPoint;

    /// <summary>False once the listener is unbound: the caller then closes the socket.</summary>
    public bool TryEnqueue(Socket socket, SslStream? tls, ReadOnlyMemory<byte> alreadyRead) => _handed.Writer.TryWrite(new HandedSocket(socket, tls, alreadyRead.ToArray()));

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (await _handed.Reader.WaitToReadAsync(cancellationToken))
        {
            if (!_handed.Reader.TryRead(out var handed)) continue;
            try
            {
                if (handed.Tls is { } tls) return DecryptedConnection.Start(handed.Socket, tls, handed.AlreadyRead, _readerScheduler, _pauseThreshold);
                return PrefixedConnection.Start(_connections.Create(handed.Socket), handed.AlreadyRead, _readerScheduler, _pauseThreshold);
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                // The client went away between the handoff and now (Kestrel's accept loop skips such connections too).
                LogGone(_logger, exception);
                handed.Tls?.Dispose();
                handed.Socket.Dispose();
            }
        }

        return null; // unbound: Kestrel's accept loop ends
    }

    /// <summary>Stops taking connections: later handoffs are closed by the fast path, queued ones here.</summary>
    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        StopTaking();
        return ValueTask.CompletedTask;
    }

    /// <summary>Kestrel disposes a listener after its connections are closed, so the memory pools they used can go.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        StopTaking();
        _connections.Dispose();
    }

    private void StopTaking()
    {
        _unbound(this);
        _handed.Writer.TryComplete();
        while (_handed.Reader.TryRead(out var handed))
        {
            handed.Tls?.Dispose();
            handed.Socket.Dispose();
        }
    }

    [LoggerMessage(LogLevel.Debug, "A connection handed over by the fast path was gone before Kestrel took it.")]
    private static partial void LogGone(ILogger logger, Exception exception);

    private readonly record struct HandedSocket(Socket Socket, SslStream? Tls, byte[] AlreadyRead);
}
