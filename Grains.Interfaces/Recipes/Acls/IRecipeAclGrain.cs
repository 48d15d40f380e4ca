using OrleansCoord.Acls;

namespace OrleansCoord.Recipes.Acls;

/// <summary>
/// The ACL of one recipe, kept in the recipe's own record and checked by its grain on every call
/// (docs/adr/018-recipe-acls.md). Every recipe grain interface has it; <see cref="RecipeAclGrains.Of"/> finds the grain.
/// </summary>
[Alias("coord.recipe-acl")]
public interface IRecipeAclGrain : IGrainWithStringKey
{
    /// <summary>The recipe's ACL (<c>world:anyone:cdrwa</c> when it has none). Needs READ or ADMIN; digest hashes are
    /// hidden (<c>user:x</c>) from a caller without ADMIN, as a znode's getACL.</summary>
    [Alias("get-acl")] Task<AclEntry[]> GetAcl();

    /// <summary>Replaces the recipe's ACL (<c>auth:</c> entries stand for the caller's verified identities). Needs ADMIN
    /// under the current ACL; works before the recipe's first use. Setting <c>world:anyone:cdrwa</c> removes the ACL.</summary>
    [Alias("set-acl")] Task SetAcl(AclEntry[] acl);
}
