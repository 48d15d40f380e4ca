using Microsoft.Extensions.Logging;
using OrleansCoord.Grains.Recipes;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.ZNodes;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Sessions;

/// <summary>
/// The session's clock: renewal of the record while heartbeats arrive, and the ending (expiry or close).
/// </summary>
/// <remarks>
/// Heartbeats reach one activation; another activation of the same session may exist that hears none of them: a
/// duplicate while membership changes (docs/adr/005), or one that another cluster's sweeper woke on the same
/// storage. Its deadline passes although the client is alive. So an activation that hears heartbeats rewrites the
/// record (same content, new ETag) every half timeout, and the ending's first commit is conditional on the ETag the
/// ending activation read: if the record changed since, someone heard the client within the last timeout, and the
/// ending stands down for one more timeout. An explicit close does not stand down. If the deaf activation wins all
/// the same (its commit landed before a renewal did), the hearing one finds out at its next renewal and answers
/// SessionExpired from then on, so the client learns it instead of showing Connected.
/// A silo's death leaves a gap in the renewals: up to half a timeout since the last, then the time the client takes to
/// reach a new activation. So a new activation renews as soon as it hears the client, and an activation that has heard
/// no heartbeat yet waits <see cref="DeafGrace"/> past the timeout before it ends the session (as a new ZooKeeper leader
/// gives every session a fresh timeout).
/// </remarks>
internal sealed partial class SessionGrain
{
    /// <summary>How many times an explicit close retries its first commit after another activation renewed.</summary>
    private const int CloseAttempts = 5;

    private TimeSpan Timeout => TimeSpan.FromMilliseconds(Record!.TimeoutMs);

    /// <summary>
    /// How much longer than the timeout an activation that hears no heartbeat waits: one timeout, at most 10 s. After a
    /// silo's death the renewals pause for up to half a timeout (the renewal period) plus the time the client takes to
    /// be heard again (failure detection, ~6-8 s on a loaded machine); the grace covers that gap. Its cost: a session
    /// whose silo died and whose client is gone expires up to the grace later.
    /// </summary>
    private TimeSpan DeafGrace => TimeSpan.FromMilliseconds(Math.Min(Record!.TimeoutMs, 10_000));

    /// <param name="reactivated">Activated for a stored session (its silo died, or a sweeper woke it): the first
    /// heartbeat heard renews the record at the next tick rather than half a timeout later.</param>
    private void StartClock(bool reactivated)
    {
        // A heartbeat (Open's first, or a client that comes back) brings the deadline to one timeout from then.
        _deadline = time.GetUtcNow() + Timeout + DeafGrace;
        _renewedAt = reactivated ? DateTimeOffset.MinValue : time.GetUtcNow();
        // An eighth of the timeout, between 250 ms and 1 s: expiry lands within that of the deadline.
        var period = TimeSpan.FromMilliseconds(Math.Clamp(Record!.TimeoutMs / 8, 250, 1000));
        _timer ??= this.RegisterGrainTimer(Tick, new GrainTimerCreationOptions
        {
            DueTime = period,
            Period = period,
            KeepAlive = true,
        });
    }

    private async Task Tick(CancellationToken cancellationToken)
    {
        // An ending under way (a close, while a heartbeat waiting for it lets this tick interleave) decides alone.
        if (Record is null || _ending is not null) return;
        var now = time.GetUtcNow();
        try
        {
            if (Record.Closing || now >= _deadline)
            {
                await EndAsync(closing: false);
            }
            else if (_heardSinceRenewal && now - _renewedAt >= Timeout / 2)
            {
                await RenewAsync();
            }
        }
        catch (Exception exception)
        {
            // The record stays as it was (or "closing"); the next tick (or the next activation) carries on.
            LogEndFailed(logger, Id, exception);
        }
    }

    /// <summary>Rewrites the record as it is: the ETag moves, which tells a deaf activation that the client lives.</summary>
    private async Task RenewAsync()
    {
        _heardSinceRenewal = false;
        var record = Record!;
        var result = await _session.CommitAsync(record, [_session.Write(record)]);
        _renewedAt = time.GetUtcNow();
        if (result.Committed) return;

        // Another activation wrote it: it renewed too (it also hears heartbeats), or it is ending the session. A
        // closing record is finished by the next tick; a deleted one means the session is over.
        await _session.ReloadAsync();
        if (Record is null) Retire();
        else if (Record.Closing) LogEndedElsewhere(logger, Id);
    }

    /// <param name="closing">An explicit close: it ends the session even when another activation renewed it.</param>
    private async Task EndAsync(bool closing)
    {
        // A close that joined an expiry under way runs again if that expiry stood down.
        for (var round = 0; round < 2 && Record is not null; round++)
        {
            _ending ??= EndCoreAsync(closing);
            try
            {
                await _ending;
            }
            finally
            {
                _ending = null;
            }

            if (!closing || Record is not { Closing: false }) return;
        }
    }

    private async Task EndCoreAsync(bool closing)
    {
        for (var attempt = 1; Record is { Closing: false } open; attempt++)
        {
            var marked = open with { Closing = true };
            var result = await _session.CommitAsync(marked, [_session.Write(marked), RecordWrite.Delete(TreeKeys.SessionFence(Id), "*")]);
            if (result.Committed)
            {
                SessionMeter.RecordEnded(closing);
                LogExpired(logger, Id);
                break;
            }

            await _session.ReloadAsync();
            if (Record is not { Closing: false }) continue;
            if (!closing)
            {
                // Renewed since this activation read it: the client was heard within the last timeout, elsewhere.
                LogKeptAliveElsewhere(logger, Id);
                _deadline = time.GetUtcNow() + Timeout + DeafGrace;
                return;
            }

            if (attempt >= CloseAttempts) throw new InvalidOperationException($"session 0x{Id:x16} keeps changing under the close");
        }

        if (Record is null)
        {
            Retire();
            return;
        }

        await DeleteEphemeralsAsync();
        await SessionRecipeHolds.ReleaseAsync(store, GrainFactory, Id);
        var done = await _session.Guard(() => store.CommitAsync([RecordWrite.Delete(Key, _session.Token!)]));
        if (!done.Committed) await _session.ReloadAsync();
        Retire();
    }

    /// <summary>The session is over: heartbeats get SessionExpired, and the activation goes when idle.</summary>
    private void Retire()
    {
        _session.Forget();
        _timer?.Dispose();
        _timer = null;
        DeactivateOnIdle();
    }

    private async Task DeleteEphemeralsAsync()
    {
        var prefix = TreeKeys.EphemeralPrefix(Id);
        var paths = (await store.ListKeysAsync(prefix)).Select(key => key[prefix.Length..]).ToList();
        foreach (var chunk in paths.Chunk(32))
        {
            await Task.WhenAll(chunk.Select(path =>
                GrainFactory.GetGrain<IZNodeParticipantGrain>(ZNodePath.Parent(path)).DeleteEphemeral(ZNodePath.Name(path), Id)));
        }

        if ((await store.ListKeysAsync(prefix)).Count > 0)
        {
            throw new InvalidOperationException($"session 0x{Id:x16} still owns ephemerals; retrying");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session 0x{SessionId:x16} ended; deleting its ephemerals")]
    private static partial void LogExpired(ILogger logger, long sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session 0x{SessionId:x16} could not finish ending or renewing; will retry")]
    private static partial void LogEndFailed(ILogger logger, long sessionId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Session 0x{SessionId:x16} passed its deadline here but was renewed by another activation that hears its client; not ending it")]
    private static partial void LogKeptAliveElsewhere(ILogger logger, long sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session 0x{SessionId:x16} was ended by another activation")]
    private static partial void LogEndedElsewhere(ILogger logger, long sessionId);
}
