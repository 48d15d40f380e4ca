using OrleansCoord.Acls;
using OrleansCoord.Recipes;

namespace OrleansCoord.Grains.Recipes;

/// <summary>
/// Looking at the lease without changing it: the maintenance inspection and the observers' view, which long-polls
/// until the holders change.
/// </summary>
internal sealed partial class LeaseGrain
{
    public async Task<LeaseInspection> Inspect()
    {
        _ = Kind;
        await EnterAsync();
        try
        {
            var record = await LoadAsync();
            await VerifyCurrentAsync(always: false);
            var waiters = _queue.Where(w => !w.IsDone).Select(w => new LeaseWaiting(w.Request.SessionId, w.Request.Holder, w.Request.Mode)).ToArray();
            return new LeaseInspection(record.ToView() with { Waiters = waiters.Length }, record.Limit, waiters);
        }
        finally
        {
            Leave();
        }
    }

    public async Task<LeaseView> Observe(long knownToken, int knownHolders, int waitMs)
    {
        _ = Kind;
        LeaseRequestRules.ValidateWait(waitMs);
        var credential = Caller.Credential;
        Task changed;
        await EnterAsync();
        try
        {
            var view = await ViewAsync(credential);
            if (view.LastToken != knownToken || view.Holders.Length != knownHolders) return view;
            changed = _changed.Task;
        }
        finally
        {
            Leave();
        }

        await Task.WhenAny(changed, Task.Delay(TimeSpan.FromMilliseconds(waitMs), time));
        await EnterAsync();
        try
        {
            return await ViewAsync(credential);
        }
        finally
        {
            Leave();
        }
    }

    private async Task<LeaseView> ViewAsync(CallerCredential? credential)
    {
        var record = await LoadAsync();
        _acl.Demand(record.Acl, AclPerms.Read, credential);
        await VerifyCurrentAsync(always: false);
        return record.ToView() with { Waiters = _queue.Count };
    }
}
