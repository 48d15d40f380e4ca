using System.Diagnostics;
using OrleansCoord.SessionLayer;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>
/// The session's life seen from this connection: the keep-alive to the session grain, a client silent for a whole
/// timeout, and a session that ended or moved to another connection.
/// </summary>
internal sealed partial class ZkConnection
{
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "ZooKeeper session 0x{SessionId:x16}: client silent for a whole timeout; closing the connection")]
    private static partial void LogClientSilent(ILogger logger, long sessionId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ZooKeeper session 0x{SessionId:x16} moved to another connection; closing this one")]
    private static partial void LogSessionMoved(ILogger logger, long sessionId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ZooKeeper session 0x{SessionId:x16} has ended; closing the connection")]
    private static partial void LogSessionEnded(ILogger logger, long sessionId);
}
