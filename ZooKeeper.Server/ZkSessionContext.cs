using OrleansCoord.Acls;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Grains.Identities;
using OrleansCoord.SessionLayer;
using OrleansCoord.ZooKeeper.Server.Watches;
using OrleansCoord.ZNodes;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>What the operations of one connection share: its session, the highest revision it has seen, its watch interest.</summary>
internal sealed class ZkSessionContext(IGrainFactory grains, CallerCredentials credentials, long sessionId, int timeoutMs, long lastZxidSeen)
{
    private AuthId[] _identities = [];
    private CallerCredential? _credential;

    public IGrainFactory Grains { get; } = grains;

    public long SessionId { get; } = sessionId;

    /// <summary>Names this connection to the session grain, which answers SessionMoved once another connection holds the session.</summary>
    public Guid ConnectionId { get; init; }

    public int TimeoutMs { get; } = timeoutMs;

    /// <summary>Set once, right after the connection that owns the session context is made.</summary>
    public ZkWatchInterest Interest { get; set; } = null!;

    /// <summary>
    /// The connection's identities, checked against ACLs: its address (<c>ip:</c>) and what its auth packets added
    /// (<c>digest:</c>). Replaced, never changed in place; an auth packet runs alone (ZkOrderKeys), so no request
    /// sees half of a change. As in ZooKeeper they belong to the connection: a client adds them again after a reconnect.
    /// </summary>
    /// <remarks>This server checked them itself (it runs in the silo), so it issues the credential that carries them.</remarks>
    public AuthId[] Identities
    {
        get => _identities;
        set
        {
            _identities = value;
            _credential = null;
        }
    }

    /// <summary>When the connection's client certificate ends (its <c>x509:</c> identity with it; ADR 017).</summary>
    public DateTimeOffset CertificateNotAfter { get; init; } = DateTimeOffset.MaxValue;

    /// <summary>What the grain calls of this connection carry (Acls.Caller): the session's secret and <see cref="Identities"/>,
    /// signed; issued again once half its lifetime has passed (ADR 017), without the <c>x509:</c> identity once the
    /// client certificate has ended. Two requests may both renew it: either credential is good.</summary>
    public CallerCredential Credential
    {
        get
        {
            if (_credential is { } credential && !credentials.NeedsRenewal(credential)) return credential;
            var end = CertificateNotAfter == DateTimeOffset.MaxValue ? long.MaxValue : CertificateNotAfter.ToUnixTimeMilliseconds();
            if (end <= DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())
            {
                (_identities, end) = ([.. _identities.Where(id => id.Scheme != X509Identity.Scheme)], long.MaxValue);
            }

            var identities = _identities;
            return _credential = credentials.Issue(SessionId, identities, identities.Any(id => id.Scheme == X509Identity.Scheme) ? end : long.MaxValue);
        }
    }

    /// <summary>The highest revision this session has seen; its writes get higher ones, as the SDK's do.</summary>
    public RevisionTracker Revisions => ZNodes.Revisions;

    /// <summary>The session's znode operations as grain calls (the session layer's, shared with the SDK), run by the
    /// wire server's rules (<see cref="ZkGridCalls"/>) with the read patience of this session's timeout.</summary>
    public ZNodeCalls ZNodes { get; } = new(grains, grains.GetStringKeyGrain<IZNodeGrain>, sessionId, new RevisionTracker(lastZxidSeen),
        ZkGridCalls.Rules, ZkGridCalls.ReadPatienceFor(timeoutMs));

    public long LastRevision => Revisions.Last;
}
