using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Identities;
using OrleansCoord.Grains.ZNodes;

namespace OrleansCoord.Grains.Recipes;

/// <summary>
/// The ACL check of one recipe grain (docs/adr/018-recipe-acls.md): the ACL in the recipe's own record against the
/// identities the call's credential proves, as a znode's (<see cref="AclCheck"/>, <see cref="VerifiedCaller"/>).
/// A recipe without an ACL (null) is open to everyone and its calls verify nothing, as before recipes had ACLs.
/// </summary>
/// <remarks>Callers pass the credential they took from their own call's request context (<see cref="Caller.Credential"/>):
/// a grain that decides several queued calls together decides each with its own caller's.</remarks>
internal sealed class RecipeAclGuard(CallerCredentials credentials, string? superDigest, string subject)
{
    /// <summary>Loads the identity key; await in OnActivateAsync, so that every check after it is synchronous.</summary>
    public Task ReadyAsync() => credentials.ReadyAsync();

    /// <summary>True when <paramref name="acl"/> grants <paramref name="perm"/> to the caller who presented <paramref name="credential"/>.</summary>
    public bool Allows(AclEntry[]? acl, AclPerms perm, CallerCredential? credential) =>
        acl is null || AclCheck.Allows(acl, perm, Identities(credential));

    /// <summary>Throws NoAuth unless <see cref="Allows"/>.</summary>
    public void Demand(AclEntry[]? acl, AclPerms perm, CallerCredential? credential)
    {
        if (!Allows(acl, perm, credential)) throw Refusal(perm);
    }

    /// <summary>Null when <see cref="Allows"/>; else the error the call fails with (NoAuth, or AuthFailed for a credential
    /// that does not verify). For decisions that settle several callers at once: one caller's error is not the others'.</summary>
    public CoordException? Refuses(AclEntry[]? acl, AclPerms perm, CallerCredential? credential)
    {
        try
        {
            return Allows(acl, perm, credential) ? null : Refusal(perm);
        }
        catch (CoordException error)
        {
            return error;
        }
    }

    /// <summary>The typed refusal: NoAuth naming the recipe and the permission it lacks.</summary>
    public CoordException Refusal(AclPerms perm) => CoordException.NoAuth(subject, $"{AclEntry.PermsText(perm)} not granted");

    /// <summary>What getACL answers: needs READ or ADMIN; digest hashes hidden without ADMIN, as a znode's.</summary>
    public AclEntry[] Visible(AclEntry[]? acl, CallerCredential? credential)
    {
        if (acl is null) return [.. Acl.OpenUnsafe];
        var caller = Identities(credential);
        AclCheck.Demand(subject, acl, AclPerms.Read | AclPerms.Admin, caller);
        return AclCheck.Allows(acl, AclPerms.Admin, caller) ? [.. acl] : AclCheck.Redacted(acl);
    }

    /// <summary>
    /// The ACL to store for a setACL of <paramref name="requested"/>: needs ADMIN under <paramref name="current"/>;
    /// <c>auth:</c> entries become the caller's verified identities, anything invalid is InvalidAcl. Null (no ACL, nothing
    /// checked) when the result is exactly <c>world:anyone:cdrwa</c>.
    /// </summary>
    public AclEntry[]? Replacement(AclEntry[]? current, AclEntry[]? requested, CallerCredential? credential)
    {
        Demand(current, AclPerms.Admin, credential);
        var resolved = Acl.Resolve(subject, requested, Identities(credential));
        return resolved.SequenceEqual(Acl.OpenUnsafe) ? null : resolved;
    }

    private AuthId[] Identities(CallerCredential? credential) => VerifiedCaller.Identities(credentials, credential, superDigest);
}
