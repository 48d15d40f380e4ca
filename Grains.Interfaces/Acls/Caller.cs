using Orleans.Runtime;

namespace OrleansCoord.Acls;

/// <summary>
/// The identities of the session a grain call is made for. They travel in the call's Orleans
/// <see cref="RequestContext"/>, set by whoever holds the session (the SDK client, or the wire connection after
/// <c>addauth</c>) right before each call; the znode grains read them to enforce ACLs (docs/adr/009).
/// </summary>
/// <remarks>Grid clients are trusted cluster members: the grid believes the identities an Orleans client sends.</remarks>
public static class Caller
{
    private const string Key = "coord.auth";

    /// <summary>The identities of the current call; empty for an anonymous caller.</summary>
    public static AuthId[] Current => RequestContext.Get(Key) as AuthId[] ?? [];

    /// <summary>Makes the grain calls that follow in this async flow carry <paramref name="identities"/>.</summary>
    public static void Use(AuthId[] identities)
    {
        if (identities.Length == 0) RequestContext.Remove(Key);
        else RequestContext.Set(Key, identities);
    }
}
