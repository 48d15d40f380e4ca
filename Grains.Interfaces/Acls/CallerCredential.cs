namespace OrleansCoord.Acls;

/// <summary>
/// What a session's calls carry to prove who makes them (docs/adr/013-identities.md, 017). The grid issues it: at open
/// (no identities), after each <c>addauth</c> or certificate it checked (<see cref="OrleansCoord.Sessions.ISessionGrain.AddAuth"/>,
/// <see cref="OrleansCoord.Sessions.ISessionGrain.AddCertificate"/>), and renewed with each heartbeat.
/// A client cannot make one: <see cref="Secret"/> and <see cref="Signature"/> are HMACs under a key only the silos hold.
/// </summary>
/// <param name="SessionId">The session the credential belongs to (0: the grid's own housekeeping).</param>
/// <param name="Secret">The session's secret (ZooKeeper's session password): proves the caller holds the session.</param>
/// <param name="Identities">What the session proved (<c>digest:user:hash</c>, <c>x509:SUBJECT</c>; <c>ip:</c> and <c>super:</c> for in-silo callers).</param>
/// <param name="Signature">The grid's HMAC over every other field but <see cref="Secret"/>.</param>
/// <param name="IssuedAtMs">When a silo issued it, in Unix milliseconds of that silo's clock.</param>
/// <param name="ExpiresAtMs">When it stops being valid (Unix milliseconds): the issue time plus the grid's credential
/// lifetime, or <see cref="IdentitiesEndMs"/> if earlier. Silos accept it up to a small clock tolerance later (ADR 017).</param>
/// <param name="IdentitiesEndMs">When its identities end whatever the renewals (a client certificate's NotAfter);
/// <see cref="long.MaxValue"/> for identities that do not end.</param>
[GenerateSerializer, Immutable, Alias("coord.caller-credential")]
public sealed record CallerCredential(
    [property: Id(0)] long SessionId,
    [property: Id(1)] byte[] Secret,
    [property: Id(2)] AuthId[] Identities,
    [property: Id(3)] byte[] Signature,
    [property: Id(4)] long IssuedAtMs = 0,
    [property: Id(5)] long ExpiresAtMs = 0,
    [property: Id(6)] long IdentitiesEndMs = long.MaxValue)
{
    /// <summary>Hides the secret and the signature from logs and test output.</summary>
    public override string ToString() =>
        $"session 0x{SessionId:x16} [{string.Join(", ", Identities.Select(id => id.Scheme + ":" + id.User))}] until {ExpiresAtMs}";
}
