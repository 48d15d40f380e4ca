using OrleansCoord.Acls;

namespace OrleansCoord.Grains.Recipes.Queues;

/// <summary>
/// Reading and replacing the queue's ACL (docs/adr/018-recipe-acls.md).
/// </summary>
internal sealed partial class QueueGrain
{
    public Task<AclEntry[]> GetAcl()
    {
        var credential = Caller.Credential;
        return Gated(async () => _acl.Visible((await _head.LoadAsync())?.Acl, credential));
    }

    public Task SetAcl(AclEntry[] acl)
    {
        var credential = Caller.Credential;
        return Gated(async () =>
        {
            var (head, _) = await LoadAsync();
            // Before the queue's first put too: the head is made empty with the ACL.
            if (await _head.CommitAsync(head with { Acl = _acl.Replacement(head.Acl, acl, credential) }) is { } conflict)
                throw _head.ConflictError(conflict);
            return 0;
        });
    }
}
