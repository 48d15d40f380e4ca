using System.Collections.Concurrent;
using System.Diagnostics;
using Orleans.TestingHost;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Grains.Tests.Support;
using OrleansCoord.Recipes.Queues;

namespace OrleansCoord.Grains.Tests.Recipes;

/// <summary>The queue when the silo hosting its grain dies under consumers (a cluster of its own: a silo is killed).</summary>
public sealed class QueueFailureTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task QueueSiloDies_NoMessageLost_NoneAckedTwice()
    {
        await using var producer = await fixture.ConnectAsync();
        string queue = "";
        SiloHandle? host = null;
        for (var attempt = 0; attempt < 30 && host is null; attempt++)
        {
            queue = $"kill-{Guid.NewGuid():N}";
            await producer.Queues.LengthAsync(queue);
            host = await SiloLocator.KillableHostOfAsync(fixture.Cluster, fixture.Cluster.Client.GetGrain<IQueueGrain>(queue));
        }

        Assert.NotNull(host);
        var ids = new List<string>();
        for (var i = 0; i < 60; i++) ids.Add(await producer.Queues.PutAsync(queue, BitConverter.GetBytes(i)));

        // Acks that succeeded, per message, and acks whose outcome is unknown (the silo died under them).
        var acked = new ConcurrentDictionary<string, int>();
        var unknown = new ConcurrentDictionary<string, bool>();
        bool AllSettled() => ids.All(id => acked.ContainsKey(id) || unknown.ContainsKey(id));
        var clock = Stopwatch.StartNew();
        var consumers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => fixture.ConnectAsync()));
        try
        {
            var consuming = consumers.Select(consumer => Task.Run(async () =>
            {
                while (!AllSettled() && clock.Elapsed < TimeSpan.FromSeconds(90))
                {
                    QueueItem? item;
                    try
                    {
                        item = await consumer.Queues.TakeAsync(queue, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3));
                    }
                    catch (CoordException)
                    {
                        continue; // The poll's silo died; a message it may have taken comes back after 3 s.
                    }

                    if (item is null) continue;
                    await Task.Delay(50); // Work on it: with 60 messages, a second of work at least.
                    try
                    {
                        await consumer.Queues.AckAsync(queue, item.Receipt);
                        acked.AddOrUpdate(item.Id, 1, (_, count) => count + 1);
                    }
                    catch (CoordException exception) when (exception.Code == CoordErrorCode.NoNode)
                    {
                        // Its visibility timeout passed while the grain moved; another consumer has it now.
                    }
                    catch (CoordException)
                    {
                        unknown[item.Id] = true;
                    }
                }
            })).ToList();

            await Poll.UntilAsync(() => Task.FromResult(acked.Count >= 5), TimeSpan.FromSeconds(30), "the first acks");
            var settledAtKill = ids.Count(id => acked.ContainsKey(id));
            await fixture.Cluster.KillSiloAsync(host);
            await Task.WhenAll(consuming);

            Assert.True(settledAtKill < ids.Count, "the queue was drained before its silo died; the test proved nothing");

            Assert.True(AllSettled(), $"unsettled after 90 s: {ids.Count(id => !acked.ContainsKey(id) && !unknown.ContainsKey(id))} messages");
            Assert.All(acked, pair => Assert.Equal(1, pair.Value));

            // What is left is exactly what an ack of unknown outcome did not delete: take and ack it now.
            while (await producer.Queues.TakeAsync(queue, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(3)) is { } left)
            {
                Assert.True(unknown.ContainsKey(left.Id) && !acked.ContainsKey(left.Id), $"{left.Id} came back although its ack succeeded");
                await producer.Queues.AckAsync(queue, left.Receipt);
            }

            Assert.Equal(new QueueLength(0, 0), await producer.Queues.LengthAsync(queue));
        }
        finally
        {
            await Task.WhenAll(consumers.Select(c => c.CloseAsync()));
            await fixture.Cluster.StartAdditionalSiloAsync();
        }
    }
}
