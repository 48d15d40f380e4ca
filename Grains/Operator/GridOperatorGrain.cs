using Orleans.Concurrency;
using OrleansCoord.Grains.Recipes;
using OrleansCoord.Grains.Recipes.Queues;
using OrleansCoord.Grains.Sessions;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Recipes;
using OrleansCoord.Sessions;

namespace OrleansCoord.Grains.Operator;

/// <summary>
/// Reads the operator's view from the store's indexes (the same ones <see cref="SessionCensus"/> counts): a session
/// lives while its fence <c>s:</c> exists, its record <c>x:</c> holds its timeout, its ephemerals and recipe holds have
/// one index row each under its id; a lease recipe has its record <c>r:Kind:name</c>, a queue its head <c>rq:name</c>.
/// Waiters live only in a lease grain's memory, and a queue's depth is the queue grain's to count, so those come from
/// their grains' internal interfaces. A stateless worker: it runs on the silo that asks.
/// </summary>
[StatelessWorker]
[GrainType("grid-operator")]
internal sealed class GridOperatorGrain(ITreeStore store) : Grain, IGridOperatorGrain
{
    public async Task<SessionPage> ListSessions(int offset, int limit)
    {
        var fences = await store.ListKeysAsync(TreeKeys.SessionFencePrefix);
        var page = Page(fences, offset, limit).Select(RecipeKeys.SessionOfFence);
        var sessions = await Task.WhenAll(page.Select(SummarizeAsync));
        return new SessionPage([.. sessions.OfType<SessionSummary>()], fences.Count);
    }

    public async Task<SessionSummary?> GetSession(long sessionId) =>
        await store.ReadAsync(TreeKeys.SessionFence(sessionId)) is null ? null : await SummarizeAsync(sessionId);

    public async Task<RecipePage> ListRecipes(int offset, int limit)
    {
        var names = await RecipeNamesAsync();
        var recipes = await Task.WhenAll(Page(names, offset, limit).Select(n => SummarizeAsync(n.Kind, n.Name)));
        return new RecipePage(recipes, names.Count);
    }

    public async Task<RecipeSummary?> GetRecipe(string kind, string name)
    {
        var key = kind == RecipeSummary.QueueKind ? QueueKeys.Head(name) : RecipeKeys.Record(kind + ":" + name);
        return await store.ReadAsync(key) is null ? null : await SummarizeAsync(kind, name);
    }

    private static IEnumerable<T> Page<T>(List<T> all, int offset, int limit) =>
        all.Skip(Math.Max(0, offset)).Take(Math.Clamp(limit, 1, IGridOperatorGrain.MaxPage));

    /// <summary>A session's summary from its index rows; null when its record is gone (it ended while being read).</summary>
    private async Task<SessionSummary?> SummarizeAsync(long id)
    {
        var record = store.ReadAsync(TreeKeys.SessionRecord(id));
        var ephemeralPrefix = TreeKeys.EphemeralPrefix(id);
        var ephemerals = store.ListKeysAsync(ephemeralPrefix);
        var holdPrefix = RecipeKeys.HoldPrefix(id);
        var holds = store.ListKeysAsync(holdPrefix);
        var silo = SiloOfAsync(id);
        if (await record is not { } stored) return null;
        var session = SessionRecordCodec.Instance.Decode(stored.Value);
        var paths = await ephemerals;
        return new SessionSummary(id, session.TimeoutMs, session.Closing, await silo,
            [.. paths.Take(SessionSummary.MaxEphemerals).Select(key => key[ephemeralPrefix.Length..])], paths.Count,
            [.. (await holds).Select(key => key[holdPrefix.Length..])]);
    }

    /// <summary>The silo the session's grain is active on, as Orleans' directory last knew it; null when none is or the
    /// directory cannot say (a failed lookup does not fail the summary).</summary>
    private async Task<string?> SiloOfAsync(long id)
    {
        try
        {
            var address = await GrainFactory.GetGrain<IManagementGrain>(0).GetActivationAddress(GrainFactory.GetGrain<ISessionGrain>(id));
            return address?.Endpoint.ToString();
        }
        catch (Exception)
        {
            return null;
        }
    }

    /// <summary>Every recipe with a record: the lease records (their keys sort by kind, then name), then the queue heads
    /// (a queue's message records share the prefix and are skipped: they hold a separator).</summary>
    private async Task<List<(string Kind, string Name)>> RecipeNamesAsync()
    {
        var leases = (await store.ListKeysAsync(RecipeKeys.RecordPrefix)).Select(key => key[RecipeKeys.RecordPrefix.Length..])
            .Select(key => (Kind: RecipeKeys.KindOf(key), Name: RecipeKeys.NameOf(key)));
        var queues = (await store.ListKeysAsync(QueueKeys.Prefix)).Where(QueueKeys.IsHead)
            .Select(key => (Kind: RecipeSummary.QueueKind, Name: key[QueueKeys.Prefix.Length..]));
        return [.. leases, .. queues];
    }

    private async Task<RecipeSummary> SummarizeAsync(string kind, string name)
    {
        try
        {
            if (kind == RecipeSummary.QueueKind)
            {
                var depth = await GrainFactory.GetGrain<IQueueMaintenanceGrain>(name).Inspect();
                return new RecipeSummary(kind, name, 0, 0, [], [], depth);
            }

            var lease = await GrainFactory.GetGrain<ILeaseMaintenanceGrain>(kind + ":" + name).Inspect();
            return new RecipeSummary(kind, name, lease.View.LastToken, lease.Limit, lease.View.Holders, lease.Waiters, null);
        }
        catch (Exception exception)
        {
            // One recipe that cannot answer (its grain moved, a bad name) does not hide the others.
            return new RecipeSummary(kind, name, 0, 0, [], [], null, exception.Message);
        }
    }
}
