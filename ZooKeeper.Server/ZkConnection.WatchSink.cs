using Microsoft.AspNetCore.Connections;
using OrleansCoord.Watches;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>
/// The connection as a watch sink: events from the streams queue for the writer, and a connection whose events pile
/// up or were lost is disconnected (docs/adr/014-watch-delivery.md).
/// </summary>
internal sealed partial class ZkConnection
{
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

    [LoggerMessage(Level = LogLevel.Information,
        Message = "ZooKeeper session 0x{SessionId:x16}: watch events for this connection were lost or piled up; closing it (the client sets its watches again)")]
    private static partial void LogEventsLost(ILogger logger, long sessionId);
}
