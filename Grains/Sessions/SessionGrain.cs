using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Serialization.Invocation;
using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Identities;
using OrleansCoord.Grains.Storage;
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
    private SessionRecord? _record;
    private string? _token;
    private DateTimeOffset _deadline;
    private IGrainTimer? _timer;
    private Task? _ending;
    private DateTimeOffset _renewedAt;
    private bool _heardSinceRenewal;

    // The wire connection that holds the session (in memory only: after a silo's death the next to beat takes it).
    private Guid _holder;

    private long Id => this.GetPrimaryKeyLong();

    private string Key => TreeKeys.SessionRecord(Id);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await credentials.ReadyAsync();
        var stored = await TreeStoreErrors.Translate(Key, () => store.ReadAsync(Key, cancellationToken));
        if (stored is not null)
        {
            (_record, _token) = (SessionRecord.Decode(stored.Value), stored.Token);
            StartClock(reactivated: true);
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
        // Only the opener gets the credential: opening an id that is in use (or was, and is ending) is a conflict.
        if (_record is not null) throw new RetryableConflictException($"session id 0x{Id:x16} is taken; retry with another");
        var timeout = Math.Clamp(requestedTimeoutMs, ZNodeLimits.MinSessionTimeoutMs, ZNodeLimits.MaxSessionTimeoutMs);
        var record = new SessionRecord(false, timeout);
        var result = await TreeStoreErrors.Translate(Key, () => store.CommitAsync([
            RecordWrite.Insert(Key, record.Encode()),
            RecordWrite.Insert(TreeKeys.SessionFence(Id), []),
        ]));
        if (!result.Committed) throw new RetryableConflictException($"session id 0x{Id:x16} is taken; retry with another");
        (_record, _token) = (record, result.Tokens![Key]);
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
        if (_record is null) throw CoordException.SessionExpired(Id);
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

        if (_record is not { Closing: false } record) throw CoordException.SessionExpired(Id);
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
        if (_record is { Closing: false }) _holder = connection;
        return Beat();
    }

    public Task Close()
    {
        if (_record is null) return Task.CompletedTask;
        credentials.DemandSession(Caller.Credential, Id);
        return TreeStoreErrors.Translate(Key, async () => { await EndAsync(closing: true); return 0; });
    }

    public async Task<string[]> GetEphemerals()
    {
        if (_record is not { Closing: false }) return [];
        credentials.DemandSession(Caller.Credential, Id);
        var prefix = TreeKeys.EphemeralPrefix(Id);
        var keys = await TreeStoreErrors.Translate(Key, () => store.ListKeysAsync(prefix));
        return [.. keys.Select(key => key[prefix.Length..])];
    }
}
