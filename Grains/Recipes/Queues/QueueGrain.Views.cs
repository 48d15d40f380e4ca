using OrleansCoord.Acls;
using OrleansCoord.Recipes.Queues;

namespace OrleansCoord.Grains.Recipes.Queues;

/// <summary>
/// Looking at the queue without changing it: its length (ready and taken), the maintenance inspection and a peek at
/// the next message.
/// </summary>
internal sealed partial class QueueGrain
{
    public Task<QueueLength> Length()
    {
        var credential = Caller.Credential;
        return Gated(async () =>
        {
            var (head, messages) = await LoadAsync();
            _acl.Demand(head.Acl, AclPerms.Read, credential);
            return Count(head, messages);
        });
    }

    public Task<QueueLength> Inspect()
    {
        Validate();
        return Gated(async () =>
        {
            var (head, messages) = await LoadAsync();
            return Count(head, messages);
        });
    }

    private QueueLength Count(QueueHead head, SortedSet<string> messages)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var ready = messages.Count(id => head.IsVisible(id, now));
        return new QueueLength(ready, messages.Count - ready);
    }

    public Task<QueueItem?> Peek()
    {
        var credential = Caller.Credential;
        return Gated(async () => await PeekAsync(credential));
    }

    private async Task<QueueItem?> PeekAsync(CallerCredential? credential)
    {
        var (head, messages) = await LoadAsync();
        _acl.Demand(head.Acl, AclPerms.Read, credential);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var id = messages.FirstOrDefault(m => head.IsVisible(m, now));
        if (id is null) return null;
        var data = await ReadDataAsync(id) ?? throw VoidCache($"message {id} is listed but not stored");
        return new QueueItem(id, data, QueueKeys.PriorityOf(id), head.InFlight.GetValueOrDefault(id)?.Delivery ?? 0, "");
    }
}
