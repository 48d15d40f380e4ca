using OrleansCoord.Acls;

namespace OrleansCoord.Sessions;

/// <summary>
/// A client session, keyed by its 64-bit id. It lives while heartbeats arrive within its timeout;
/// when it is closed or expires, every ephemeral it owns is deleted.
/// </summary>
/// <remarks>Every method but <see cref="Open"/> needs the call to carry the session's credential
/// (<see cref="OrleansCoord.Acls.Caller"/>), which only <see cref="Open"/> hands out: knowing a session's id is not
/// enough to use it (AuthFailed otherwise; docs/adr/013-identities.md).</remarks>
[Alias("coord.session")]
public interface ISessionGrain : IGrainWithIntegerKey
{
    /// <summary>Opens the session; the timeout is negotiated into the grid's range and returned with the session's
    /// credential. Throws a retryable conflict when the id is taken (the caller picks another).</summary>
    [Alias("open")] Task<SessionInfo> Open(int requestedTimeoutMs);

    /// <summary>
    /// Checks a credential and adds the identity it proves to the session's: for <c>digest</c>, <paramref name="auth"/>
    /// is <c>user:password</c> and the identity <c>digest:user:base64(sha1(user:password))</c>. Returns the session's
    /// new credential, which the caller carries from then on. AuthFailed for another scheme or malformed data.
    /// </summary>
    [Alias("add-auth")] Task<CallerCredential> AddAuth(string scheme, string auth);

    /// <summary>A fresh challenge for <see cref="AddCertificate"/>, good for one attempt (the latest one asked counts).</summary>
    [Alias("certificate-challenge")] Task<byte[]> CertificateChallenge();

    /// <summary>
    /// Adds the <c>x509:SUBJECT</c> identity of a client certificate whose private key the caller proves it holds
    /// (<see cref="CertificateProof"/> over the latest <see cref="CertificateChallenge"/>), once the certificate chains to
    /// the CAs the grid trusts for client certificates (<c>--tls-ca</c>), is meant for client authentication and is
    /// within its validity. Returns the session's new credential, which ends at the certificate's NotAfter at the latest.
    /// AuthFailed otherwise (and on a grid without client CAs), the session's credential unchanged
    /// (docs/adr/017-credential-expiry-and-x509-sessions.md).
    /// </summary>
    /// <param name="certificate">The certificate's DER.</param>
    /// <param name="intermediates">DER of intermediate CA certificates that help build its chain (may be empty).</param>
    /// <param name="signature">The proof, <see cref="CertificateProof.Sign"/>.</param>
    [Alias("add-certificate")] Task<CallerCredential> AddCertificate(byte[] certificate, byte[][] intermediates, byte[] signature);

    /// <summary>Keeps the session alive and answers the caller's credential renewed (<see cref="SessionInfo.Credential"/>:
    /// same identities, a new expiry). Throws SessionExpired for a closed, expired or unknown session.</summary>
    [Alias("heartbeat")] Task<SessionInfo> Heartbeat();

    /// <summary>
    /// Makes <paramref name="connection"/> (a ZooKeeper wire connection) the one that holds the session, and keeps the
    /// session alive. A connection that held it before gets SessionMoved from <see cref="HeartbeatFrom"/>.
    /// </summary>
    [Alias("attach")] Task<SessionInfo> Attach(Guid connection);

    /// <summary>
    /// <see cref="Heartbeat"/> from a wire connection. Throws SessionMoved when another connection has attached since
    /// (the client resumed its session elsewhere, ZooKeeper's SessionMovedException); a session that forgot its holder
    /// (its silo died) takes the caller as the holder.
    /// </summary>
    [Alias("heartbeat-from")] Task<SessionInfo> HeartbeatFrom(Guid connection);

    /// <summary>Closes the session and deletes its ephemerals. Closing an ended session does nothing.</summary>
    [Alias("close")] Task Close();

    /// <summary>The paths of the ephemerals this session owns (ZooKeeper's getEphemerals). Empty for an ended session.</summary>
    [Alias("ephemerals")] Task<string[]> GetEphemerals();
}

/// <summary>A session's id and negotiated timeout; <see cref="Credential"/> only in the answers to <see cref="ISessionGrain.Open"/>
/// (the session's first) and <see cref="ISessionGrain.Heartbeat"/> (the caller's, renewed).</summary>
[GenerateSerializer, Immutable]
public sealed record SessionInfo([property: Id(0)] long SessionId, [property: Id(1)] int TimeoutMs,
    [property: Id(2)] CallerCredential? Credential = null);
