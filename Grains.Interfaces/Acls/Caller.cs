using Orleans.Runtime;

namespace OrleansCoord.Acls;

/// <summary>
/// The credential of the session a grain call is made for. It travels in the call's Orleans <see cref="RequestContext"/>,
/// set by whoever holds the session (the SDK client, or the wire connection) right before each call; the grains that
/// enforce ACLs verify it themselves and take only the identities it proves (docs/adr/013-identities.md).
/// </summary>
/// <remarks>Nothing else in the request context counts: identities a client puts there without the grid's signature
/// are ignored, and a credential that does not verify fails the call with AuthFailed.</remarks>
public static class Caller
{
    private const string Key = "coord.auth";

    /// <summary>The credential the current call carries, unverified; null for an anonymous caller (or one that put
    /// something else under the key).</summary>
    public static CallerCredential? Credential => RequestContext.Get(Key) as CallerCredential;

    /// <summary>Makes the grain calls that follow in this async flow carry <paramref name="credential"/>.</summary>
    public static void Use(CallerCredential? credential)
    {
        if (credential is null) RequestContext.Remove(Key);
        else RequestContext.Set(Key, credential);
    }
}
