using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using OrleansCoord.Errors;
using OrleansCoord.SessionLayer;
using OrleansCoord.ZooKeeper.Server.Jute;
using OrleansCoord.ZooKeeper.Server.Protocol;
using OrleansCoord.ZooKeeper.Server.Watches;
using OrleansCoord.Watches;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>
/// One client connection after its handshake. The reader decodes requests in arrival order and starts each as soon
/// as the requests it must follow are done (<see cref="ZkRequestOrder"/>); the writer sends the replies strictly in
/// request order, with watch notifications in between, and owns the connection's watches (<see cref="ZkWatchRegistry"/>).
/// A packet it cannot decode closes this connection only.
/// </summary>
internal sealed partial class ZkConnection : IZkWatchSink
{
    /// <summary>Requests read but not answered yet; beyond this the reader stops reading (TCP pushes back on the client).</summary>
    private const int MaxOutstanding = 1000;

    /// <summary>
    /// Watch events queued for this connection and not written yet; a client that lets more pile up (it does not read
    /// its socket) is disconnected, so that it never holds up anyone (docs/adr/014-watch-delivery.md). It reconnects
    /// and sets its watches again with the last revision it saw, which reports what changed meanwhile.
    /// </summary>
    public const int MaxQueuedEvents = 10_000;

    private readonly ConnectionContext _connection;
    private readonly ZkSessionContext _session;
    private readonly ZkOperations _operations;
    private readonly ZkServerStats _stats;
    private readonly ILogger _logger;
    private readonly Channel<object> _out = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _window = new(MaxOutstanding, MaxOutstanding);
    private readonly ZkRequestOrder _order = new();
    private readonly ZkWatchRegistry _watches = new();
    private readonly CancellationTokenSource _closing = new();
    private long _lastReceivedTicks = Stopwatch.GetTimestamp();
    private int _outstanding;
    private long _received;
    private long _sent;
    private int _queuedEvents;
    private int _lost;

    public ZkConnection(ConnectionContext connection, ZkSessionContext session, ZkServerStats stats, ILogger logger)
    {
        _connection = connection;
        _session = session;
        _operations = new ZkOperations(session, logger);
        _stats = stats;
        _logger = logger;
    }

    public long SessionId => _session.SessionId;

    public int Outstanding => Volatile.Read(ref _outstanding);

    public string Remote => _connection.RemoteEndPoint?.ToString() ?? "?";

    public int WatchCount { get; private set; }

    public int TimeoutMs => _session.TimeoutMs;

    public long Received => Interlocked.Read(ref _received);

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>The figures <c>cons</c> shows and <c>crst</c> resets.</summary>
    public ZkConnectionStats Figures { get; } = new();

    /// <summary>
    /// The watches this connection holds (path, kind), for wchc and wchp. The registry belongs to the writer loop, so
    /// the writer answers between two packets; a connection that has stopped writing answers none.
    /// </summary>
    public async Task<IReadOnlyList<(string Path, string Kind)>> DescribeWatchesAsync()
    {
        var answer = new TaskCompletionSource<IReadOnlyList<(string, string)>>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_out.Writer.TryWrite(answer)) return [];
        try
        {
            return await answer.Task.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
            return [];
        }
    }

    /// <summary>Serves the connection until the client goes, sends closeSession or a bad packet, the session ends,
    /// or <paramref name="stopping"/> fires.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        using var stop = stopping.Register(() => _connection.Transport.Input.CancelPendingRead());
        var writer = Task.Run(WriteLoopAsync);
        var keeper = Task.Run(KeepAliveAsync);
        try
        {
            await ReadLoopAsync();
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ConnectionResetException or ObjectDisposedException)
        {
            // The client went away or we closed: nothing to answer.
        }
        finally
        {
            _out.Writer.TryComplete();
            await writer;
            _closing.Cancel();
            await keeper;
            _session.Interest.Clear();
        }
    }

    public void OnWatchEvent(WatchEvent change)
    {
        if (Interlocked.Increment(ref _queuedEvents) > MaxQueuedEvents)
        {
            Interlocked.Decrement(ref _queuedEvents);
            Disconnect(queueFull: true);
            return;
        }

        if (!_out.Writer.TryWrite(change)) Interlocked.Decrement(ref _queuedEvents);
    }

    public void OnEventsLost() => Disconnect(queueFull: false);

    private void Disconnect(bool queueFull)
    {
        if (Interlocked.Exchange(ref _lost, 1) != 0) return;
        ZkRequestMeter.RecordWatchDisconnect(queueFull);
        LogEventsLost(_logger, _session.SessionId);
        try
        {
            _connection.Abort(new ConnectionAbortedException("watch events for this connection were lost"));
        }
        catch (Exception exception) when (exception is ObjectDisposedException or InvalidOperationException)
        {
            // It closed by itself meanwhile.
        }
    }

    /// <summary>
    /// The session was resumed on another connection: stop reading and close once what was read is answered, as
    /// ZooKeeper closes the old connection of a session that reconnected (and answers nothing more on it).
    /// </summary>
    public void CloseMoved()
    {
        LogSessionMoved(_logger, _session.SessionId);
        _closing.Cancel();
        try
        {
            _connection.Transport.Input.CancelPendingRead();
        }
        catch (Exception exception) when (exception is ObjectDisposedException or InvalidOperationException)
        {
            // It closed by itself meanwhile.
        }
    }

    private async Task ReadLoopAsync()
    {
        var input = _connection.Transport.Input;
        var packets = new List<byte[]>();
        while (!_closing.IsCancellationRequested)
        {
            var result = await input.ReadAsync(_closing.Token);
            // When the requests were read: a packet's latency includes its wait behind the others of the same read.
            var readAt = Stopwatch.GetTimestamp();
            var buffer = result.Buffer;
            var framingLost = false;
            try
            {
                while (ZkFrames.TryRead(ref buffer, 8, out var packet)) packets.Add(packet);
            }
            catch (InvalidDataException exception)
            {
                // A length we cannot trust: the stream has lost its framing; the packets before it still count.
                LogBadFrame(_logger, _session.SessionId, exception.Message);
                framingLost = true;
            }

            input.AdvanceTo(framingLost ? buffer.End : buffer.Start, buffer.End);
            foreach (var packet in packets)
            {
                if (!await AcceptAsync(packet, readAt)) return;
            }

            packets.Clear();
            if (framingLost || result.IsCompleted || result.IsCanceled) return;
        }
    }

    /// <summary>Decodes and starts one request; false when the connection must stop reading.</summary>
    private async Task<bool> AcceptAsync(byte[] packet, long readAt)
    {
        Volatile.Write(ref _lastReceivedTicks, readAt);
        _stats.OnReceived();
        Interlocked.Increment(ref _received);
        int xid;
        int type;
        ZkRecord? body;
        try
        {
            (xid, type, body) = ZkRequestDecoder.Decode(packet);
            Figures.OnRequest(type, xid);
        }
        catch (JuteFormatException exception)
        {
            LogBadFrame(_logger, _session.SessionId, exception.Message);
            var header = packet.Length >= 4 ? System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(packet) : 0;
            _out.Writer.TryWrite(new Pending(Task.FromResult(new ZkReply { Xid = header, Error = CoordErrorCode.MarshallingError, CloseAfter = true }), readAt, false, UnknownType));
            return false;
        }

        if (body is null)
        {
            LogUnknownType(_logger, _session.SessionId, type);
            _out.Writer.TryWrite(new Pending(Task.FromResult(new ZkReply { Xid = xid, Error = CoordErrorCode.Unimplemented, CloseAfter = true }), readAt, false, type));
            return false;
        }

        await _window.WaitAsync(_closing.Token);
        Interlocked.Increment(ref _outstanding);
        var request = new ZkRequest(xid, type, body);
        var (predecessors, token) = _order.Enter(ZkOrderKeys.Of(type, body));
        var reply = new TaskCompletionSource<ZkReply>();
        // Queued before it starts: an event it subscribes to can only come after its reply in the queue.
        _out.Writer.TryWrite(new Pending(reply.Task, readAt, true, type));
        _ = RunRequestAsync(request, predecessors, token, reply);
        return type != OpCode.CloseSession;
    }

    private async Task RunRequestAsync(ZkRequest request, Task predecessors, object token, TaskCompletionSource<ZkReply> reply)
    {
        try
        {
            await predecessors;
            reply.TrySetResult(await _operations.RunAsync(request));
        }
        catch (Exception exception)
        {
            LogRequestFailed(_logger, _session.SessionId, request.Type, exception);
            reply.TrySetResult(ZkReply.Failed(request.Xid, CoordErrorCode.SystemError));
        }
        finally
        {
            _order.Done(token);
        }
    }

    /// <summary>A reply in the queue; <paramref name="Counted"/> when it holds a place in the outstanding window;
    /// <paramref name="Type"/> the request's opcode (the metrics' operation).</summary>
    private sealed record Pending(Task<ZkReply> Reply, long Started, bool Counted, int Type);

    /// <summary>The opcode of a packet that could not be decoded.</summary>
    private const int UnknownType = int.MinValue;

    /// <summary>The session lives while packets arrive (the client pings when idle): the session layer's keep-alive
    /// tells the session grain, from this connection, a third of the timeout apart; a client silent for a whole timeout
    /// is gone, and ZooKeeper then drops the connection. The credential is the connection's own (renewed at half-life).</summary>
    private Task KeepAliveAsync()
    {
        var timeout = TimeSpan.FromMilliseconds(_session.TimeoutMs);
        var session = _session.Grains.GetGrain<OrleansCoord.Sessions.ISessionGrain>(_session.SessionId);
        var keepAlive = new SessionKeepAlive(() => session.HeartbeatFrom(_session.ConnectionId), new KeepAliveRules
        {
            SessionTimeout = timeout,
            Credential = () => _session.Credential,
            StillWanted = () => ClientHeardWithin(timeout),
        }, Heard);
        return keepAlive.RunAsync(_closing.Token);
    }

    /// <summary>Whether the client sent anything within <paramref name="timeout"/>; when not, the connection closes.</summary>
    private bool ClientHeardWithin(TimeSpan timeout)
    {
        if (Stopwatch.GetElapsedTime(Volatile.Read(ref _lastReceivedTicks)) <= timeout) return true;
        LogClientSilent(_logger, _session.SessionId);
        _connection.Abort();
        return false;
    }

    private void Heard(SessionBeat beat)
    {
        switch (beat)
        {
            case SessionBeat.Expired:
                LogSessionEnded(_logger, _session.SessionId);
                _connection.Abort();
                break;
            case SessionBeat.Moved:
                // Resumed through another silo; one on this silo is closed at once (ZkConnectionHandler).
                CloseMoved();
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "ZooKeeper session 0x{SessionId:x16}: bad packet ({Reason}); closing the connection")]
    private static partial void LogBadFrame(ILogger logger, long sessionId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ZooKeeper session 0x{SessionId:x16}: unknown request type {Type}; closing the connection")]
    private static partial void LogUnknownType(ILogger logger, long sessionId, int type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ZooKeeper session 0x{SessionId:x16}: request of type {Type} failed")]
    private static partial void LogRequestFailed(ILogger logger, long sessionId, int type, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ZooKeeper session 0x{SessionId:x16}: client silent for a whole timeout; closing the connection")]
    private static partial void LogClientSilent(ILogger logger, long sessionId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ZooKeeper session 0x{SessionId:x16} moved to another connection; closing this one")]
    private static partial void LogSessionMoved(ILogger logger, long sessionId);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "ZooKeeper session 0x{SessionId:x16}: watch events for this connection were lost or piled up; closing it (the client sets its watches again)")]
    private static partial void LogEventsLost(ILogger logger, long sessionId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ZooKeeper session 0x{SessionId:x16} has ended; closing the connection")]
    private static partial void LogSessionEnded(ILogger logger, long sessionId);
}
