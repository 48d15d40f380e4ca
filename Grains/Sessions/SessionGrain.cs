using Microsoft.Extensions.Logging;
using Orleans.Placement;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Recipes;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.ZNodes;
using OrleansCoord.Sessions;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Sessions;

/// <summary>
/// A client session. Its record and its fence live in the tree store; heartbeats only move an in-memory
/// deadline. When the deadline passes (or on close) the session deletes its fence — after which none of
/// its ephemerals can be created and no recipe grants it anything — then each ephemeral listed in its index,
/// then releases its recipe holds (docs/adr/007-recipe-waits.md), then its record. A session
/// whose silo died is activated again by the sweeper and expires one timeout later (docs/adr/004-sessions.md).
/// </summary>
[GrainType("session")]
[RandomPlacement]
internal sealed partial class SessionGrain(ITreeStore store, TimeProvider time, ILogger<SessionGrain> logger)
    : Grain, ISessionGrain, ISessionMaintenanceGrain
{
    private SessionRecord? _record;
    private string? _token;
    private DateTimeOffset _deadline;
    private IGrainTimer? _timer;
    private Task? _ending;

    // The wire connection that holds the session (in memory only: after a silo's death the next to beat takes it).
    private Guid _holder;

    private long Id => this.GetPrimaryKeyLong();

    private string Key => TreeKeys.SessionRecord(Id);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stored = await TreeStoreErrors.Translate(Key, () => store.ReadAsync(Key, cancellationToken));
        if (stored is not null)
        {
            (_record, _token) = (SessionRecord.Decode(stored.Value), stored.Token);
            StartClock();
        }
    }

    public Task Touch()
    {
        // Touched for a session that has ended meanwhile: nothing to keep alive here.
        if (_record is null) DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public async Task<SessionInfo> Open(int requestedTimeoutMs)
    {
        if (_record is null)
        {
            var timeout = Math.Clamp(requestedTimeoutMs, ZNodeLimits.MinSessionTimeoutMs, ZNodeLimits.MaxSessionTimeoutMs);
            var record = new SessionRecord(false, timeout);
            var result = await TreeStoreErrors.Translate(Key, () => store.CommitAsync([
                RecordWrite.Insert(Key, record.Encode()),
                RecordWrite.Insert(TreeKeys.SessionFence(Id), []),
            ]));
            if (!result.Committed) throw new RetryableConflictException($"session id 0x{Id:x16} is taken; retry with another");
            (_record, _token) = (record, result.Tokens![Key]);
            StartClock();
        }

        return await Heartbeat();
    }

    public Task<SessionInfo> Heartbeat()
    {
        if (_record is not { Closing: false } record) throw CoordException.SessionExpired(Id);
        _deadline = time.GetUtcNow().AddMilliseconds(record.TimeoutMs);
        return Task.FromResult(new SessionInfo(Id, record.TimeoutMs));
    }

    public async Task<SessionInfo> Attach(Guid connection)
    {
        var info = await Heartbeat();
        _holder = connection;
        return info;
    }

    public Task<SessionInfo> HeartbeatFrom(Guid connection)
    {
        if (_holder != Guid.Empty && _holder != connection)
            throw new CoordException(CoordErrorCode.SessionMoved, $"0x{Id:x16}", "the session was resumed on another connection");
        if (_record is { Closing: false }) _holder = connection;
        return Heartbeat();
    }

    public Task Close() => _record is null ? Task.CompletedTask : TreeStoreErrors.Translate(Key, async () => { await EndAsync(); return 0; });

    public async Task<string[]> GetEphemerals()
    {
        if (_record is not { Closing: false }) return [];
        var prefix = TreeKeys.EphemeralPrefix(Id);
        var keys = await TreeStoreErrors.Translate(Key, () => store.ListKeysAsync(prefix));
        return [.. keys.Select(key => key[prefix.Length..])];
    }

    private void StartClock()
    {
        _deadline = time.GetUtcNow().AddMilliseconds(_record!.TimeoutMs);
        // An eighth of the timeout, between 250 ms and 1 s: expiry lands within that of the deadline.
        var period = TimeSpan.FromMilliseconds(Math.Clamp(_record.TimeoutMs / 8, 250, 1000));
        _timer ??= this.RegisterGrainTimer(Tick, new GrainTimerCreationOptions
        {
            DueTime = period,
            Period = period,
            KeepAlive = true,
        });
    }

    private async Task Tick(CancellationToken cancellationToken)
    {
        if (_record is null) return;
        if (_record.Closing || time.GetUtcNow() >= _deadline)
        {
            try
            {
                await EndAsync();
            }
            catch (Exception exception)
            {
                // The record stays "closing"; the next tick (or the next activation) carries on.
                LogEndFailed(logger, Id, exception);
            }
        }
    }

    private async Task EndAsync()
    {
        _ending ??= EndCoreAsync();
        try
        {
            await _ending;
        }
        finally
        {
            _ending = null;
        }
    }

    private async Task EndCoreAsync()
    {
        if (_record is { Closing: false } open)
        {
            var closing = open with { Closing = true };
            var result = await store.CommitAsync([
                RecordWrite.Replace(Key, closing.Encode(), _token!),
                RecordWrite.Delete(TreeKeys.SessionFence(Id), "*"),
            ]);
            if (!result.Committed)
            {
                await ReloadAsync();
                if (_record is null) return;
                if (!_record.Closing) throw new InvalidOperationException($"session 0x{Id:x16} changed under us");
            }
            else
            {
                (_record, _token) = (closing, result.Tokens![Key]);
            }

            LogExpired(logger, Id);
        }

        await DeleteEphemeralsAsync();
        await SessionRecipeHolds.ReleaseAsync(store, GrainFactory, Id);
        var done = await store.CommitAsync([RecordWrite.Delete(Key, _token!)]);
        if (!done.Committed) await ReloadAsync();
        _record = null;
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

    private async Task ReloadAsync()
    {
        var stored = await store.ReadAsync(Key);
        (_record, _token) = stored is null ? (null, null) : (SessionRecord.Decode(stored.Value), stored.Token);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session 0x{SessionId:x16} ended; deleting its ephemerals")]
    private static partial void LogExpired(ILogger logger, long sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session 0x{SessionId:x16} could not finish ending; will retry")]
    private static partial void LogEndFailed(ILogger logger, long sessionId, Exception exception);
}
