using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Serialization.Invocation;
using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Identities;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.Storage.Records;
using OrleansCoord.Sessions;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Sessions;

/// <summary>
/// A client session. Its record and its fence live in the tree store; heartbeats move an in-memory
/// deadline. When the deadline passes (or on close) the session deletes its fence — after which none of
/// its ephemerals can be created and no recipe grants it anything — then each ephemeral listed in its index,
/// then releases its recipe holds (docs/adr/007-recipe-waits.md), then its record. A session
/// whose silo died is activated again by the sweeper and expires one timeout later (docs/adr/004-sessions.md).
/// An activation that hears heartbeats renews the record every half timeout, so that an activation that hears
/// none (a duplicate, another cluster's sweeper on the same storage) finds the record changed when it tries to
/// end the session, and lets it live (SessionGrain.Ending.cs).
/// </summary>
[GrainType("session")]
[RandomPlacement]
[MayInterleave(nameof(MayInterleave))]
internal sealed partial class SessionGrain(ITreeStore store, CallerCredentials credentials, CertificateIdentities certificates, TimeProvider time,
    ILogger<SessionGrain> logger)
    : Grain, ISessionGrain, ISessionMaintenanceGrain
{
    // The record is the session's life, not a cache: a storage failure keeps it (RecordPolicy.Keep).
    private RecordBridge<SessionRecord> _session = null!;
    private DateTimeOffset _deadline;
    private IGrainTimer? _timer;
    private Task? _ending;
    private DateTimeOffset _renewedAt;
    private bool _heardSinceRenewal;

    // The wire connection that holds the session (in memory only: after a silo's death the next to beat takes it).
    private Guid _holder;

    private long Id => this.GetPrimaryKeyLong();

    private string Key => TreeKeys.SessionRecord(Id);

    /// <summary>The session as committed; null when it does not exist or has ended.</summary>
    private SessionRecord? Record => _session.Value;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await credentials.ReadyAsync();
        _session = new RecordBridge<SessionRecord>(store, Key, Key, SessionRecordCodec.Instance, RecordPolicy.Keep, logger);
        if (await _session.LoadAsync(cancellationToken: cancellationToken) is not null) StartClock(reactivated: true);
    }

    public Task Touch()
    {
        // Touched for a session that has ended meanwhile: nothing to keep alive here.
        if (Record is null) DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public async Task<SessionInfo> Open(int requestedTimeoutMs)
    {
        // Only the opener gets the credential: opening an id that is in use (or was, and is ending) is a conflict.
        if (Record is not null) throw new RetryableConflictException($"session id 0x{Id:x16} is taken; retry with another");
        var timeout = Math.Clamp(requestedTimeoutMs, ZNodeLimits.MinSessionTimeoutMs, ZNodeLimits.MaxSessionTimeoutMs);
        var record = new SessionRecord(false, timeout);
        var result = await _session.CommitAsync(record, [_session.Write(record), RecordWrite.Insert(TreeKeys.SessionFence(Id), [])]);
        if (!result.Committed) throw new RetryableConflictException($"session id 0x{Id:x16} is taken; retry with another");
        SessionMeter.RecordOpened();
        StartClock(reactivated: false);

        var info = await Beat();
        return info with { Credential = credentials.Issue(Id, []) };
    }

    /// <summary>Heartbeats run between the awaits of a renewal or an ending: a slow storage write must not hold them
    /// up past the client's heartbeat timeout.</summary>
    public static bool MayInterleave(IInvokable request) =>
        request.GetMethodName() is nameof(Heartbeat) or nameof(HeartbeatFrom) or nameof(Attach);

    public async Task<SessionInfo> Heartbeat()
    {
        if (Record is null) throw CoordException.SessionExpired(Id);
        var current = Caller.Credential;
        credentials.DemandSession(current, Id);
        var info = await Beat();
        // The heartbeat renews the credential it came with (ADR 017): a session's calls stay valid while it lives.
        return info with { Credential = credentials.Renew(current!) };
    }

    private async Task<SessionInfo> Beat()
    {
        if (_ending is { } ending)
        {
            // An ending under way decides first: it may find that another activation keeps the session alive.
            try { await ending; } catch (Exception) { /* Logged by whoever started it; the record says what holds. */ }
        }

        if (Record is not { Closing: false } record) throw CoordException.SessionExpired(Id);
        _deadline = time.GetUtcNow().AddMilliseconds(record.TimeoutMs);
        _heardSinceRenewal = true;
        return new SessionInfo(Id, record.TimeoutMs);
    }

    public async Task<SessionInfo> Attach(Guid connection)
    {
        credentials.DemandSession(Caller.Credential, Id);
        var info = await Beat();
        _holder = connection;
        return info;
    }

    public Task<SessionInfo> HeartbeatFrom(Guid connection)
    {
        credentials.DemandSession(Caller.Credential, Id);
        if (_holder != Guid.Empty && _holder != connection)
            throw new CoordException(CoordErrorCode.SessionMoved, $"0x{Id:x16}", "the session was resumed on another connection");
        if (Record is { Closing: false }) _holder = connection;
        return Beat();
    }

    public Task Close()
    {
        if (Record is null) return Task.CompletedTask;
        credentials.DemandSession(Caller.Credential, Id);
        return _session.Guard(async () => { await EndAsync(closing: true); return 0; });
    }

    public async Task<string[]> GetEphemerals()
    {
        if (Record is not { Closing: false }) return [];
        credentials.DemandSession(Caller.Credential, Id);
        var prefix = TreeKeys.EphemeralPrefix(Id);
        var keys = await _session.Guard(() => store.ListKeysAsync(prefix));
        return [.. keys.Select(key => key[prefix.Length..])];
    }
}
