using System.Text;
using System.Text.Json.Nodes;
using OrleansCoord.Grains.Recipes.Queues;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Storage.Postgres;

namespace OrleansCoord.Grains.Tests.Recipes;

/// <summary>
/// Puts to one queue that wait for each other's commit are decided together in one commit (on PostgreSQL a commit
/// waits for the WAL flush, so 8 producers put one at a time each would otherwise queue behind 8 flushes). Only where a
/// commit takes time: the Memory store commits before the put's call returns, so its puts never wait.
/// </summary>
public sealed class QueueGroupCommitTestsOnPostgres(PostgresClusterFixture fixture) : IClassFixture<PostgresClusterFixture>
{
    [Fact]
    public async Task ConcurrentPuts_ShareCommits_EachPutOnceInItsOwnPlace()
    {
        const int Producers = 8, PutsEach = 25;
        var queue = $"group-{Guid.NewGuid():N}";
        var clients = await Task.WhenAll(Enumerable.Range(0, Producers).Select(_ => fixture.ConnectAsync()));
        try
        {
            // Each producer puts its messages one after another; the producers run side by side.
            var acknowledged = await Task.WhenAll(clients.Select((client, p) => Task.Run(async () =>
            {
                var ids = new List<(string Id, string Text)>();
                for (var i = 0; i < PutsEach; i++) ids.Add((await client.Queues.PutAsync(queue, Encoding.UTF8.GetBytes($"p{p}-{i}")), $"p{p}-{i}"));
                return ids;
            })));

            // Every put got an id of its own, and each producer's ids rise in the order it put them.
            var all = acknowledged.SelectMany(ids => ids).ToList();
            Assert.Equal(Producers * PutsEach, all.Select(a => a.Id).Distinct().Count());
            Assert.All(acknowledged, ids => Assert.Equal(ids.Select(a => a.Id).Order(StringComparer.Ordinal), ids.Select(a => a.Id)));

            // Puts that waited for each other were decided in shared commits of the head record.
            var stored = await new PostgresTreeStore(fixture.ConnectionString, "coordtree").ReadAsync(QueueKeys.Head(queue));
            var commits = JsonNode.Parse(stored!.Value)!["$commits"]!.GetValue<long>();
            Assert.True(commits < Producers * PutsEach, $"{commits} commits for {Producers * PutsEach} puts: none shared");

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
}
