using OrleansCoord.Acls;
using OrleansCoord.Grains.Identities;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>The identities an ACL is checked against: what a call's credential proves, and nothing it merely asserts
/// (docs/adr/013-identities.md). The znode grains and the recipe grains (docs/adr/018-recipe-acls.md) both ask here.</summary>
internal static class VerifiedCaller
{
    /// <summary>
    /// The identities <paramref name="credential"/> proves (AuthFailed for one that does not verify); a digest id equal
    /// to <paramref name="superDigest"/> is a superuser, as with ZooKeeper's <c>zookeeper.DigestAuthenticationProvider.superDigest</c>.
    /// </summary>
    /// <remarks><see cref="CallerCredentials.ReadyAsync"/> must have completed.</remarks>
    public static AuthId[] Identities(CallerCredentials credentials, CallerCredential? credential, string? superDigest)
    {
        var identities = credentials.IdentitiesOf(credential);
        if (superDigest is not { Length: > 0 } super) return identities;
        foreach (var identity in identities)
        {
            if (identity.Scheme == "digest" && identity.Id == super) return [.. identities, AuthId.Super];
        }

        return identities;
    }
}
