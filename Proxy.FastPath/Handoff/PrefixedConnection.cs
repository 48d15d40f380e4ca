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
/// The copy costs a little per byte, paid only by handed-over connections (upgrades, HTTP/1.0, chunked bodies...),
/// the rare ones. The pump ends when the socket's input ends (the client closed, or the connection was aborted), when
/// Kestrel stops reading, or when Kestrel disposes the connection; it completes the pipe either way.
/// </remarks>
internal sealed class PrefixedConnection : ConnectionContext, IDuplexPipe
{
    private readonly ConnectionContext _socket;
    private readonly PipeReader _socketInput;
    private readonly PipeWriter _socketOutput;
    private readonly Pipe _input;
    private Task _pump = Task.CompletedTask;

    private PrefixedConnection(ConnectionContext socket, PipeScheduler readerScheduler, long pauseThreshold)
    {
        _socket = socket;
        _socketInput = socket.Transport.Input;
        _socketOutput = socket.Transport.Output;
        var pool = socket.Features.Get<IMemoryPoolFeature>()?.MemoryPool ?? MemoryPool<byte>.Shared;
        // Kestrel's reads resume as on its own input pipes (inline with inline I/O, else on the thread pool: Kestrel also
        // cancels reads from its heartbeat and shutdown, whose threads must not run a connection), with the same
        // backpressure (MaxReadBufferSize, 1 MiB by default). The pump itself never blocks, so it may run inline.
        _input = new Pipe(new PipeOptions(pool, readerScheduler, PipeScheduler.Inline, pauseThreshold, pauseThreshold / 2, useSynchronizationContext: false));
        // The socket connection's own transport becomes this one too, so whoever asks its IConnectionTransportFeature
        // reads the prefixed input; the socket connection keeps its original pipes for its own shutdown.
        socket.Transport = this;
    }

    /// <summary>Wraps <paramref name="socket"/> (just created, nothing read from it yet) and starts the pump.</summary>
    /// <param name="readerScheduler">Where Kestrel's reads resume: as Kestrel's socket transport sets it.</param>
    /// <param name="pauseThreshold">Kestrel's socket input limit (<c>MaxReadBufferSize</c>; 0: none).</param>
    public static PrefixedConnection Start(ConnectionContext socket, ReadOnlyMemory<byte> alreadyRead, PipeScheduler readerScheduler, long pauseThreshold)
    {
        var connection = new PrefixedConnection(socket, readerScheduler, pauseThreshold);
        connection._input.Writer.Write(alreadyRead.Span);
        connection._pump = connection.PumpAsync();
        return connection;
    }

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
        // The pump may be waiting for the client (a read) or for Kestrel (a flush): wake it either way, so that it is
        // done with the socket connection's pipes before the socket connection goes.
        _socketInput.CancelPendingRead();
        _input.Writer.CancelPendingFlush();
        await _pump;
        await _socket.DisposeAsync();
    }

    private async Task PumpAsync()
    {
        Exception? error = null;
        var writer = _input.Writer;
        try
        {
            var flushed = await writer.FlushAsync(); // the bytes the fast path had read
            while (!flushed.IsCompleted && !flushed.IsCanceled)
            {
                var read = await _socketInput.ReadAsync();
                if (read.IsCanceled) break;
                foreach (var segment in read.Buffer) writer.Write(segment.Span);
                _socketInput.AdvanceTo(read.Buffer.End);
                flushed = await writer.FlushAsync();
                if (read.IsCompleted) break;
            }
        }
        catch (Exception exception)
        {
            // The socket's failure (reset, abort) reaches Kestrel's read as it would on a connection Kestrel accepted.
            error = exception;
        }

        await writer.CompleteAsync(error);
        await _socketInput.CompleteAsync();
    }
}
