using OrleansCoord.Errors;
using OrleansCoord.ZooKeeper.Server.Jute;
using OrleansCoord.ZooKeeper.Server.Protocol;
using OrleansCoord.Watches;

namespace OrleansCoord.ZooKeeper.Server;

internal sealed partial class ZkConnection
{
    /// <summary>Flush once this much is buffered, else when the queue runs dry or the next reply is not ready.</summary>
    private const int FlushThreshold = 64 * 1024;

    /// <summary>
    /// Sends replies in request order and notifications in between. A notification always goes out before a reply
    /// that shows the change it is about: events from the streams queue behind the replies of the requests that
    /// were already waiting, and a reply showing a change a one-shot watch waits for fires that watch first.
    /// </summary>
    private async Task WriteLoopAsync()
    {
        var output = _connection.Transport.Output;
        var frames = new JuteWriter();
        var reader = _out.Reader;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out var item))
                {
                    var close = false;
                    if (item is Pending pending)
                    {
                        if (!pending.Reply.IsCompleted && frames.WrittenCount > 0)
                        {
                            // Send what is ready before waiting for the next reply: the client is waiting for it.
                            await SendAsync(output, frames);
                        }

                        var reply = await pending.Reply;
                        if (IsUnanswered(reply))
                        {
                            // The grid gave no answer: close after the replies before it, as a ZooKeeper server that
                            // cannot serve does. The client fails this and every later request with ConnectionLoss
                            // (a write's outcome is then unknown to it, as ZooKeeper's clients expect) and reconnects.
                            LogUnanswered(_logger, _session.SessionId, reply.Xid, reply.Error);
                            ZkServerStats.OnUnanswered(pending.Type, reply.Error, pending.Started);
                            close = true;
                        }
                        else
                        {
                            close = Write(frames, reply, out var outcome);
                            _unsent.Add((pending.Type, outcome, pending.Started, Math.Max(_session.LastRevision, reply.Revision)));
                        }

                        if (pending.Counted)
                        {
                            Interlocked.Decrement(ref _outstanding);
                            _window.Release();
                        }
                    }
                    else if (item is TaskCompletionSource<IReadOnlyList<(string, string)>> describe)
                    {
                        describe.TrySetResult([.. _watches.Describe()]);
                    }
                    else if (item is WatchEvent change)
                    {
                        Interlocked.Decrement(ref _queuedEvents);
                        if (_watches.Trigger(change, out var released))
                        {
                            _session.Interest.Release(change.Path, released);
                            WriteNotification(frames, change);
                        }
                    }

                    // Notifications written for this item (the stream's event, or those a reply implied): counted once per item.
                    ZkRequestMeter.RecordEventsDelivered(_notificationsWritten);
                    _notificationsWritten = 0;
                    WatchCount = _watches.Count;
                    if (close || frames.WrittenCount >= FlushThreshold) await SendAsync(output, frames);

                    if (close)
                    {
                        // A graceful close: what was written reaches the client before the FIN.
                        await output.CompleteAsync();
                        _connection.Transport.Input.CancelPendingRead();
                        return;
                    }
                }

                if (frames.WrittenCount > 0) await SendAsync(output, frames);
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The client went away mid-write.
        }
        finally
        {
            _closing.Cancel();
        }
    }

    /// <summary>Replies in <c>frames</c> not handed to the transport yet: their latency ends when they are (the writer loop's alone,
    /// reused: no allocation per reply).</summary>
    private readonly List<(int Type, CoordErrorCode Outcome, long Started, long Zxid)> _unsent = [];

    /// <summary>
    /// Hands what is written to the transport. The replies' latencies (for mntr, cons and <c>/metrics</c>: from the read
    /// that brought the request to this moment) are taken just before, so that a client that has its reply is counted.
    /// </summary>
    private async ValueTask SendAsync(System.IO.Pipelines.PipeWriter output, JuteWriter frames)
    {
        foreach (var (type, outcome, started, zxid) in _unsent)
        {
            var latencyMs = _stats.OnSent(type, outcome, started);
            Figures.OnReplied(latencyMs, zxid);
            Interlocked.Increment(ref _sent);
        }

        _unsent.Clear();
        await output.WriteAsync(frames.WrittenMemory);
        frames.Clear();
    }

    /// <summary>Fires the one-shot watches a reply implies a change for, before the reply (the stream's copy then finds none).</summary>
    private void NotifyImplied(JuteWriter frames, WatchEvent? change)
    {
        if (change is not null && _watches.Trigger(change, out var released, oneShotOnly: true))
        {
            _session.Interest.Release(change.Path, released);
            WriteNotification(frames, change);
        }
    }

    /// <summary>Writes one reply and what goes before it; true when the connection closes after it.</summary>
    private bool Write(JuteWriter frames, ZkReply reply, out CoordErrorCode outcome)
    {
        foreach (var change in reply.Notifications ?? [])
        {
            WriteNotification(frames, change);
        }

        foreach (var (path, stat) in reply.Observed ?? [])
        {
            NotifyImplied(frames, _watches.Observe(path, stat));
            // A node shown to exist is in its parent's children list since it was created.
            if (stat is not null)
            {
                NotifyImplied(frames, _watches.ObserveParent(path, stat));
                _watches.Saw(path, stat);
            }
        }

        if (reply.ObservedChildren is var (parent, children, pzxid))
        {
            foreach (var change in _watches.ObserveChildren(parent, children, pzxid) ?? []) NotifyImplied(frames, change);
        }

        var error = reply.Error;
        if (reply.RegistryAction is { } action && error == CoordErrorCode.Ok) error = action(_watches);
        if (reply.Watch is { } kind && !_watches.AddOneShot(reply.WatchPath!, kind, reply.WatchStat))
        {
            _session.Interest.Release(reply.WatchPath!);
        }

        frames.BeginFrame();
        frames.WriteInt(reply.Xid);
        frames.WriteLong(Math.Max(_session.LastRevision, reply.Revision));
        frames.WriteInt((int)error);
        if (error == CoordErrorCode.Ok) reply.Body?.Invoke(frames);
        frames.EndFrame();
        outcome = error;
        return reply.CloseAfter;
    }

    /// <summary>ConnectionLoss and OperationTimeout are not ZooKeeper server answers: a read the grid could not serve
    /// within its patience, a write whose outcome is unknown (ZkGridCalls).</summary>
    private static bool IsUnanswered(ZkReply reply) => reply.Error is CoordErrorCode.ConnectionLoss or CoordErrorCode.OperationTimeout;

    [LoggerMessage(Level = LogLevel.Information,
        Message = "ZooKeeper session 0x{SessionId:x16}: the grid gave no answer to request {Xid} ({Error}); closing the connection")]
    private static partial void LogUnanswered(ILogger logger, long sessionId, int xid, CoordErrorCode error);

    /// <summary>Notifications written since the writer last counted them (the writer loop's alone).</summary>
    private int _notificationsWritten;

    private void WriteNotification(JuteWriter frames, WatchEvent change)
    {
        _notificationsWritten++;
        frames.BeginFrame();
        frames.WriteInt(Xid.Notification);
        frames.WriteLong(-1);
        frames.WriteInt(0);
        frames.WriteInt((int)change.Type);
        frames.WriteInt(WatcherEventType.SyncConnected);
        frames.WriteString(change.Path);
        frames.EndFrame();
    }
}
