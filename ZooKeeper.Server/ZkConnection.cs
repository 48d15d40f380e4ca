using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using OrleansCoord.SessionLayer;
using OrleansCoord.ZooKeeper.Server.Jute;
using OrleansCoord.ZooKeeper.Server.Protocol;
using OrleansCoord.ZooKeeper.Server.Watches;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>
/// One client connection after its handshake. The reader decodes requests in arrival order and starts each as soon
/// as the requests it must follow are done (<see cref="ZkRequestOrder"/>); the writer sends the replies strictly in
/// request order, with watch notifications in between, and owns the connection's watches (<see cref="ZkWatchRegistry"/>).
/// A packet it cannot decode closes this connection only.
/// </summary>
/// <remarks>This file holds the connection's state and runs its loops; the reader is in ZkConnection.Reader.cs, the
/// writer in ZkConnection.Writer.cs, the watch sink in ZkConnection.WatchSink.cs and the session's keep-alive in
/// ZkConnection.KeepAlive.cs.</remarks>
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

    /// <summary>A reply in the queue; <paramref name="Counted"/> when it holds a place in the outstanding window;
    /// <paramref name="Type"/> the request's opcode (the metrics' operation).</summary>
    private sealed record Pending(Task<ZkReply> Reply, long Started, bool Counted, int Type);
}
