using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace OrleansCoord.Proxy.FastPath.Handoff;

/// <summary>
/// The Kestrel transport for <see cref="HandoffEndPoint"/>, and the fast path's one way into it: a connection whose
/// request the fast path cannot serve is given to Kestrel (and YARP) with <see cref="Hand"/>, together with the bytes
/// already read from it, and Kestrel serves it for the rest of its life as if it had accepted it itself.
/// </summary>
/// <remarks>
/// Binds only <see cref="HandoffEndPoint"/> (<see cref="CanBind"/>), so Kestrel's socket transport keeps every other
/// port. One handoff endpoint of each kind at a time (cleartext, and decrypted for the HTTPS port): <see cref="Hand(Socket, ReadOnlyMemory{byte})"/> names none.
/// </remarks>
internal sealed partial class FastPathHandoff(IOptions<SocketTransportOptions> sockets, ILoggerFactory loggers)
    : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    // Kestrel's socket transport logs under this category; handed-over connections are its sockets too.
    private const string SocketsCategory = "Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets";

    private readonly ILogger _logger = loggers.CreateLogger<FastPathHandoff>();
    private HandoffListener? _listener;
    private HandoffListener? _decryptedListener;

    /// <summary>
    /// Gives an accepted client connection to Kestrel. <paramref name="alreadyRead"/> (copied: the caller may reuse its
    /// buffer) is what Kestrel reads first, before the socket's next bytes. When no listener is bound (Kestrel not started
    /// yet, or stopping) the socket is disposed: the client sees its connection closed.
    /// </summary>
    /// <param name="socket">The accepted socket, owned from now on (for example <c>new Socket(new SafeSocketHandle(fd, ownsHandle: true))</c>).</param>
    /// <param name="alreadyRead">The bytes read from the socket and not served: the unserved request head and whatever followed it.</param>
    public void Hand(Socket socket, ReadOnlyMemory<byte> alreadyRead)
    {
        if (Volatile.Read(ref _listener) is { } listener && listener.TryEnqueue(socket, null, alreadyRead)) return;
        LogNoListener(_logger, alreadyRead.Length);
        socket.Dispose();
    }

    /// <summary>
    /// Gives a connection of the HTTPS port to Kestrel decrypted: Kestrel reads and writes <paramref name="tls"/>, the
    /// TLS session the fast path began, as if its own HTTPS middleware had made it (DecryptedConnection.cs).
    /// </summary>
    /// <param name="socket">The client's socket, off its loop; <paramref name="tls"/> reads and writes it and owns it.</param>
    /// <param name="alreadyRead">The decrypted bytes read and not served.</param>
    public void Hand(Socket socket, SslStream tls, ReadOnlyMemory<byte> alreadyRead)
    {
        if (Volatile.Read(ref _decryptedListener) is { } listener && listener.TryEnqueue(socket, tls, alreadyRead)) return;
        LogNoListener(_logger, alreadyRead.Length);
        tls.Dispose();
        socket.Dispose();
    }

    public bool CanBind(EndPoint endpoint) => endpoint is HandoffEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not HandoffEndPoint handoffEndPoint)
            throw new NotSupportedException($"{nameof(FastPathHandoff)} binds only a {nameof(HandoffEndPoint)}, not {endpoint}.");
        var listener = new HandoffListener(handoffEndPoint, ConnectionOptions(), loggers.CreateLogger(SocketsCategory), _logger, Unbound);
        if (Interlocked.CompareExchange(ref (handoffEndPoint.Decrypted ? ref _decryptedListener : ref _listener), listener, null) is not null)
        {
            listener.Dispose();
            throw new AddressInUseException($"A {nameof(HandoffEndPoint)} of this kind is already bound; the fast path hands over to one listener of each.");
        }

        return ValueTask.FromResult<IConnectionListener>(listener);
    }

    /// <summary>Kestrel's own socket settings (Hosting/ProxyTuning.cs sets them), so a handed-over connection behaves as one Kestrel accepted.</summary>
    private SocketConnectionFactoryOptions ConnectionOptions()
    {
        var options = sockets.Value;
        return new SocketConnectionFactoryOptions
        {
            IOQueueCount = options.IOQueueCount,
            WaitForDataBeforeAllocatingBuffer = options.WaitForDataBeforeAllocatingBuffer,
            MaxReadBufferSize = options.MaxReadBufferSize,
            MaxWriteBufferSize = options.MaxWriteBufferSize,
            UnsafePreferInlineScheduling = options.UnsafePreferInlineScheduling,
        };
    }

    private void Unbound(HandoffListener listener)
    {
        Interlocked.CompareExchange(ref _listener, null, listener);
        Interlocked.CompareExchange(ref _decryptedListener, null, listener);
    }

    [LoggerMessage(LogLevel.Debug, "A connection handed over by the fast path ({AlreadyRead} bytes read) was closed: no Kestrel listener for handed-over connections is bound (not started yet, or stopping).")]
    private static partial void LogNoListener(ILogger logger, int alreadyRead);
}
