namespace OrleansCoord.Acls;

/// <summary>
/// One identity of a caller, as ZooKeeper's <c>Id</c>: <c>digest:user:base64(sha1(user:password))</c> after
/// <c>addauth digest user:password</c>, <c>ip:ADDRESS</c> for a wire client, <c>x509:SUBJECT</c> for a wire client with a
/// verified certificate, <c>super:</c> for the grid itself.
/// </summary>
[GenerateSerializer, Immutable, Alias("coord.auth-id")]
public sealed record AuthId([property: Id(0)] string Scheme, [property: Id(1)] string Id)
{
    /// <summary>Passes every ACL check: the grid's own housekeeping (TTL and container expiry) and the super digest's holder.</summary>
    public static readonly AuthId Super = new("super", "");

    /// <summary>The user part, as whoAmI reports it (<c>user</c> of a digest id, the address of an ip id).</summary>
    public string User => Scheme == "digest" && Id.IndexOf(':') is var colon and > 0 ? Id[..colon] : Id;
}
