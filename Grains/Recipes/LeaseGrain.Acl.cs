using OrleansCoord.Acls;

namespace OrleansCoord.Grains.Recipes;

/// <summary>
/// Reading and replacing the lease's ACL (docs/adr/018-recipe-acls.md).
/// </summary>
internal sealed partial class LeaseGrain
{
    public async Task<AclEntry[]> GetAcl()
    {
        _ = Kind;
        var credential = Caller.Credential;
        await EnterAsync();
        try
        {
            var record = await LoadAsync();
            await VerifyCurrentAsync(always: false);
            return _acl.Visible(record.Acl, credential);
        }
        finally
        {
            Leave();
        }
    }

    public async Task SetAcl(AclEntry[] acl)
    {
        _ = Kind;
        var credential = Caller.Credential;
        await EnterAsync();
        try
        {
            var replacement = _acl.Replacement((await LoadAsync()).Acl, acl, credential);
            // Waiters queued under the old ACL that the new one refuses go; their next poll answers NoAuth.
            DropWaiters(w => !_acl.Allows(replacement, AclPerms.Create, w.Credential), null);
            await MutateAsync(draft =>
            {
                draft.SetAcl(replacement);
                return 0;
            });
        }
        finally
        {
            Leave();
        }
    }
}
