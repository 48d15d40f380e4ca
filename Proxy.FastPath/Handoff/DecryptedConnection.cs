using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace OrleansCoord.Proxy.FastPath.Handoff;

/// <summary>
/// A connection of the HTTPS port handed to Kestrel after the fast path ended TLS: its transport reads and writes the
/// fast path's <see cref="SslStream"/> (first the decrypted bytes the fast path had read, then, copied by a pump, what
/// the stream decrypts), and its features say TLS as Kestrel's HTTPS middleware says it (the TLS, handshake, ALPN and
/// SslStream features), so Kestrel picks HTTP/1.1 or HTTP/2 by ALPN and requests have the https scheme (YARP then
/// sends X-Forwarded-Proto https), exactly as on a connection Kestrel's own HTTPS port accepted.
/// </summary>
internal sealed class DecryptedConnection : ConnectionContext, IConnectionIdFeature, IConnectionTransportFeature, IConnectionItemsFeature,
    IConnectionLifetimeFeature, IConnectionEndPointFeature, IMemoryPoolFeature, ITlsConnectionFeature, ITlsApplicationProtocolFeature,
    ITlsHandshakeFeature, ISslStreamFeature, IDuplexPipe
{
    private static long s_lastId;

    private readonly Socket _socket;
    private readonly SslStream _tls;
    private readonly HandedOverInput _input;
    private readonly PipeWriter _output;
    private readonly FeatureCollection _features = new();
    private readonly CancellationTokenSource _closed = new();
    private int _disposed;

    private DecryptedConnection(Socket socket, SslStream tls, ReadOnlyMemory<byte> alreadyRead, PipeScheduler readerScheduler, long pauseThreshold)
    {
        _socket = socket;
        _tls = tls;
        _output = PipeWriter.Create(tls, new StreamPipeWriterOptions(MemoryPool, leaveOpen: true));
        Transport = this;
        ConnectionClosed = _closed.Token;
        ConnectionId = $"fast-tls-{Interlocked.Increment(ref s_lastId):x}";
        LocalEndPoint = SafeEndPoint(() => socket.LocalEndPoint);
        RemoteEndPoint = SafeEndPoint(() => socket.RemoteEndPoint);
        _features.Set<IConnectionIdFeature>(this);
        _features.Set<IConnectionTransportFeature>(this);
        _features.Set<IConnectionItemsFeature>(this);
        _features.Set<IConnectionLifetimeFeature>(this);
        _features.Set<IConnectionEndPointFeature>(this);
        _features.Set<IMemoryPoolFeature>(this);
        _features.Set<ITlsConnectionFeature>(this);
        _features.Set<ITlsApplicationProtocolFeature>(this);
        _features.Set<ITlsHandshakeFeature>(this);
        _features.Set<ISslStreamFeature>(this);
        // A broken connection is closed; one whose client only ended its side may still take the answer (as Kestrel's
        // socket transport, which signals ConnectionClosed once both directions are done).
        _input = HandedOverInput.Start(alreadyRead, tls, SignalClosed, MemoryPool, readerScheduler, pauseThreshold);
    }

    /// <summary>Wraps the handed-over session and starts the pump.</summary>
    /// <param name="socket">The client's socket (owned by <paramref name="tls"/>'s inner stream): endpoints and shutdown.</param>
    public static DecryptedConnection Start(Socket socket, SslStream tls, ReadOnlyMemory<byte> alreadyRead, PipeScheduler readerScheduler, long pauseThreshold) =>
        new(socket, tls, alreadyRead, readerScheduler, pauseThreshold);

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features => _features;

    public override IDictionary<object, object?> Items { get; set; } = new ConnectionItems();

    public override IDuplexPipe Transport { get; set; }

    public override EndPoint? LocalEndPoint { get; set; }

    public override EndPoint? RemoteEndPoint { get; set; }

    public override CancellationToken ConnectionClosed { get; set; }

    public MemoryPool<byte> MemoryPool => MemoryPool<byte>.Shared;

    PipeReader IDuplexPipe.Input => _input.Reader;

    PipeWriter IDuplexPipe.Output => _output;

    // TLS as the handshake left it (what Kestrel's TlsConnectionFeature reports). No client certificates: the HTTPS
    // port asks for none.
    public X509Certificate2? ClientCertificate
    {
        get => null;
        set => throw new NotSupportedException("the HTTPS port asks for no client certificate");
    }

    public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);

    public ReadOnlyMemory<byte> ApplicationProtocol => _tls.NegotiatedApplicationProtocol.Protocol;

    public SslStream SslStream => _tls;

    public SslProtocols Protocol => _tls.SslProtocol;

    public TlsCipherSuite? NegotiatedCipherSuite => _tls.NegotiatedCipherSuite;

    public string HostName => _tls.TargetHostName;

#pragma warning disable SYSLIB0058 // the interface still has them; Kestrel's own feature reports them the same way
    public CipherAlgorithmType CipherAlgorithm => _tls.CipherAlgorithm;

    public int CipherStrength => _tls.CipherStrength;

    public HashAlgorithmType HashAlgorithm => _tls.HashAlgorithm;

    public int HashStrength => _tls.HashStrength;

    public ExchangeAlgorithmType KeyExchangeAlgorithm => _tls.KeyExchangeAlgorithm;

    public int KeyExchangeStrength => _tls.KeyExchangeStrength;
#pragma warning restore SYSLIB0058

    /// <summary>Shuts the socket down: the pump's read ends, and so Kestrel's input; writes fail.</summary>
    public override void Abort(ConnectionAbortedException abortReason) => Abort();

    public override void Abort()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // gone already
        }

        SignalClosed();
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try
        {
            await _output.CompleteAsync(); // Kestrel has completed it already, unless it went away mid-answer
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException)
        {
            // the client is gone: what was left unsent goes with it
        }

        Abort(); // wakes the pump if it waits for the client
        await _input.StopAsync(); // or for Kestrel, and waits until it is done
        await _tls.DisposeAsync(); // and its inner stream, which closes the socket
        _closed.Dispose();
    }

    private void SignalClosed()
    {
        // On the thread pool: whoever listens must not run on the pump (nor under Abort's caller).
        if (_disposed == 0) ThreadPool.UnsafeQueueUserWorkItem(static source => Cancel(source), _closed, preferLocal: false);
    }

    private static void Cancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // disposed meanwhile
        }
    }

    private static EndPoint? SafeEndPoint(Func<EndPoint?> endPoint)
    {
        try
        {
            return endPoint();
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }
}
