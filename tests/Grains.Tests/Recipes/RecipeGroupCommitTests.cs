using System.Text;
using System.Text.Json.Nodes;
using OrleansCoord.Grains.Recipes.Queues;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Storage.Postgres;

namespace OrleansCoord.Grains.Tests.Recipes;

/// <summary>
/// Puts to one queue, and changes of one counter, that wait for each other's commit are decided together in one commit
/// (on PostgreSQL a commit waits for the WAL flush, so 8 producers would otherwise queue behind 8 flushes each). Only
/// where a commit takes time: the Memory store commits before the call returns, so nothing ever waits there.
/// </summary>
public sealed class RecipeGroupCommitTestsOnPostgres(PostgresClusterFixture fixture) : IClassFixture<PostgresClusterFixture>
{
    private const int Clients = 8, CallsEach = 25;

    [Fact]
    public async Task ConcurrentPuts_ShareCommits_EachPutOnceInItsOwnPlace()
    {
        var queue = $"group-{Guid.NewGuid():N}";
        var clients = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => fixture.ConnectAsync()));
        try
        {
            // Each producer puts its messages one after another; the producers run side by side.
            var acknowledged = await Task.WhenAll(clients.Select((client, p) => Task.Run(async () =>
            {
                var ids = new List<(string Id, string Text)>();
                for (var i = 0; i < CallsEach; i++) ids.Add((await client.Queues.PutAsync(queue, Encoding.UTF8.GetBytes($"p{p}-{i}")), $"p{p}-{i}"));
                return ids;
            })));

            // Every put got an id of its own, and each producer's ids rise in the order it put them.
            var all = acknowledged.SelectMany(ids => ids).ToList();
            Assert.Equal(Clients * CallsEach, all.Select(a => a.Id).Distinct().Count());
            Assert.All(acknowledged, ids => Assert.Equal(ids.Select(a => a.Id).Order(StringComparer.Ordinal), ids.Select(a => a.Id)));

            // Puts that waited for each other were decided in shared commits of the head record.
            var commits = await CommitsOfAsync(QueueKeys.Head(queue));
            Assert.True(commits < Clients * CallsEach, $"{commits} commits for {Clients * CallsEach} puts: none shared");

            // Each message is there once, under the id its put was acknowledged with.
            var taken = new Dictionary<string, string>();
            while (await clients[0].Queues.TakeAsync(queue, TimeSpan.Zero) is { } item)
            {
                taken.Add(item.Id, Encoding.UTF8.GetString(item.Data));
                await clients[0].Queues.AckAsync(queue, item.Receipt);
            }

            Assert.Equal(all.OrderBy(a => a.Id, StringComparer.Ordinal).Select(a => (a.Id, a.Text)), taken.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => (t.Key, t.Value)));
        }
        finally
        {
            foreach (var client in clients) await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task ConcurrentCounterChanges_ShareCommits_EachAppliedOnceInArrivalOrder()
    {
        var counter = $"group-{Guid.NewGuid():N}";
        var clients = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => fixture.ConnectAsync()));
        try
        {
            // Half the clients add 1 at a time; the others increment by compare-and-set from the value they last saw.
            var seen = await Task.WhenAll(clients.Select((client, c) => Task.Run(async () =>
            {
                var values = new List<long>();
                long last = 0;
                for (var i = 0; i < CallsEach; i++)
                {
                    if (c % 2 == 0)
                    {
                        values.Add(await client.Counters.AddAsync(counter, 1));
                        continue;
                    }

                    while (true)
                    {
                        var swap = await client.Counters.CompareAndSetAsync(counter, last, last + 1);
                        if (swap.Succeeded) { values.Add(last = swap.Value); break; }
                        last = swap.Value;
                    }
                }

                return values;
            })));

            // Every change was applied once and saw the ones before it: each value from 1 to the total was handed out once.
            var total = Clients * CallsEach;
            Assert.Equal(Enumerable.Range(1, total).Select(v => (long)v), seen.SelectMany(v => v).Order());
            Assert.Equal(total, await clients[0].Counters.GetAsync(counter));

            var commits = await CommitsOfAsync(OrleansCoord.Grains.Recipes.Counters.CounterGrain.KeyPrefix + counter);
            Assert.True(commits < total, $"{commits} commits for {total} changes: none shared");
        }
        finally
        {
            foreach (var client in clients) await client.DisposeAsync();
        }
    }

    /// <summary>How many commits a recipe record has had (its <c>$commits</c>).</summary>
    private async Task<long> CommitsOfAsync(string key)
    {
        var stored = await new PostgresTreeStore(fixture.ConnectionString, "coordtree").ReadAsync(key);
        return JsonNode.Parse(stored!.Value)!["$commits"]!.GetValue<long>();
    }
}
