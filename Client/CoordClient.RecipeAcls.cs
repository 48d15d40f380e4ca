using OrleansCoord.Acls;
using OrleansCoord.Recipes.Acls;

namespace OrleansCoord.Client;

/// <summary>
/// Recipe ACLs (docs/adr/018-recipe-acls.md): each lock, read/write lock, semaphore, election, queue, counter, barrier
/// and double barrier may carry an ACL like a znode's, checked by the grid against the identities this session proved
/// (<see cref="AddAuthAsync"/>). A recipe without one is open to everyone.
/// </summary>
public sealed partial class CoordClient
{
    /// <summary>The recipe's ACL (<c>world:anyone:cdrwa</c> when it has none; digest hashes hidden without ADMIN). Needs READ or ADMIN.</summary>
    public Task<AclEntry[]> GetRecipeAclAsync(RecipeKind kind, string name, CancellationToken cancellationToken = default)
    {
        var grain = RecipeAclGrains.Of(_grains, kind, name);
        ThrowIfEnded();
        return RunRecipeCall(RecipeAclGrains.Subject(kind, name), idempotent: true, () => grain.GetAcl(), cancellationToken);
    }

    /// <summary>
    /// Replaces the recipe's ACL; <c>auth::perms</c> stands for this session's proved identities. Needs ADMIN under the
    /// current ACL (anyone, while the recipe has none), and works before the recipe is first used, so that a name can be
    /// protected before anyone takes it. <see cref="Acl.OpenUnsafe"/> removes the ACL.
    /// </summary>
    public Task SetRecipeAclAsync(RecipeKind kind, string name, IReadOnlyList<AclEntry> acl, CancellationToken cancellationToken = default)
    {
        var subject = RecipeAclGrains.Subject(kind, name);
        var grain = RecipeAclGrains.Of(_grains, kind, name);
        // Checked here for a quick error; the grid resolves auth: again with the identities it verified.
        AclEntry[] resolved = Acl.Resolve(subject, acl, Identities);
        ThrowIfEnded();
        return RunRecipeCall(subject, idempotent: true, async () => { await grain.SetAcl(resolved); return 0; }, cancellationToken);
    }
}
