namespace OrleansCoord.Acls;

/// <summary>
/// What a session's calls carry to prove who makes them (docs/adr/013-identities.md). The grid issues it: at open
/// (no identities) and after each <c>addauth</c> it checked (<see cref="OrleansCoord.Sessions.ISessionGrain.AddAuth"/>).
/// A client cannot make one: <see cref="Secret"/> and <see cref="Signature"/> are HMACs under a key only the silos hold.
/// </summary>
/// <param name="SessionId">The session the credential belongs to (0: the grid's own housekeeping).</param>
/// <param name="Secret">The session's secret (ZooKeeper's session password): proves the caller holds the session.</param>
/// <param name="Identities">What the session proved (<c>digest:user:hash</c>; <c>ip:</c> and <c>super:</c> for in-silo callers).</param>
/// <param name="Signature">The grid's HMAC over <see cref="SessionId"/> and <see cref="Identities"/>.</param>
[GenerateSerializer, Immutable, Alias("coord.caller-credential")]
public sealed record CallerCredential(
    [property: Id(0)] long SessionId,
    [property: Id(1)] byte[] Secret,
    [property: Id(2)] AuthId[] Identities,
    [property: Id(3)] byte[] Signature)
{
    /// <summary>Hides the secret and the signature from logs and test output.</summary>
    public override string ToString() => $"session 0x{SessionId:x16} [{string.Join(", ", Identities.Select(id => id.Scheme + ":" + id.User))}]";
}
