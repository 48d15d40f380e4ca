using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace OrleansCoord.Proxy.FastPath.Handoff;

/// <summary>
/// A handed-over connection as Kestrel sees it: Kestrel's socket connection for the client's socket, except that its
/// input is a pipe that holds first the bytes the fast path had already read and then, copied by a pump, everything
/// the socket connection receives. Everything else (features, endpoints, items, abort, closed token, dispose) is the
/// socket connection's.
/// </summary>
/// <remarks>
/// The pipe and its pump are <see cref="HandedOverInput"/>'s; Kestrel disposing the connection stops the pump first.
/// </remarks>
internal sealed class PrefixedConnection : ConnectionContext, IDuplexPipe
{
    private readonly ConnectionContext _socket;
    private readonly PipeWriter _socketOutput;
    private readonly HandedOverInput _input;

    private PrefixedConnection(ConnectionContext socket, ReadOnlyMemory<byte> alreadyRead, PipeScheduler readerScheduler, long pauseThreshold)
    {
        _socket = socket;
        var socketInput = socket.Transport.Input;
        _socketOutput = socket.Transport.Output;
        // The socket connection's own transport becomes this one too, so whoever asks its IConnectionTransportFeature
        // reads the prefixed input; the socket connection keeps its original pipes for its own shutdown.
        socket.Transport = this;
        var pool = socket.Features.Get<IMemoryPoolFeature>()?.MemoryPool ?? MemoryPool<byte>.Shared;
        _input = HandedOverInput.Start(alreadyRead, socketInput, pool, readerScheduler, pauseThreshold);
    }

    /// <summary>Wraps <paramref name="socket"/> (just created, nothing read from it yet) and starts the pump.</summary>
    /// <param name="readerScheduler">Where Kestrel's reads resume: as Kestrel's socket transport sets it.</param>
    /// <param name="pauseThreshold">Kestrel's socket input limit (<c>MaxReadBufferSize</c>; 0: none).</param>
    public static PrefixedConnection Start(ConnectionContext socket, ReadOnlyMemory<byte> alreadyRead, PipeScheduler readerScheduler, long pauseThreshold) =>
        new(socket, alreadyRead, readerScheduler, pauseThreshold);

    PipeReader IDuplexPipe.Input => _input.Reader;

    PipeWriter IDuplexPipe.Output => _socketOutput;

    public override IDuplexPipe Transport
    {
        get => _socket.Transport;
        set => _socket.Transport = value;
    }

    public override string ConnectionId
    {
        get => _socket.ConnectionId;
        set => _socket.ConnectionId = value;
    }

    public override IFeatureCollection Features => _socket.Features;

    public override IDictionary<object, object?> Items
    {
        get => _socket.Items;
        set => _socket.Items = value;
    }

    public override EndPoint? LocalEndPoint
    {
        get => _socket.LocalEndPoint;
        set => _socket.LocalEndPoint = value;
    }

    /// <summary>The client's address (X-Forwarded-For and the access log read it).</summary>
    public override EndPoint? RemoteEndPoint
    {
        get => _socket.RemoteEndPoint;
        set => _socket.RemoteEndPoint = value;
    }

    public override CancellationToken ConnectionClosed
    {
        get => _socket.ConnectionClosed;
        set => _socket.ConnectionClosed = value;
    }

    /// <summary>The socket connection shuts its socket down, which ends its input and so the pump.</summary>
    public override void Abort(ConnectionAbortedException abortReason) => _socket.Abort(abortReason);

    public override async ValueTask DisposeAsync()
    {
        // The pump is done with the socket connection's pipes (it completes its input) before the socket connection goes.
        await _input.StopAsync();
        await _socket.DisposeAsync();
    }
}
