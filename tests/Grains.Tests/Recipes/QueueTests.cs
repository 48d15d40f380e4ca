using System.Collections.Concurrent;
using System.Text;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Recipes.Queues;
using OrleansCoord.Grains.Recipes.Records;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Recipes.Queues;

namespace OrleansCoord.Grains.Tests.Recipes;

public sealed class QueueTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task PutTake_FirstInFirstOut()
    {
        await using var client = await fixture.ConnectAsync();
        await QueueRunner.FifoAsync(client, $"fifo-{Guid.NewGuid():N}");
    }

    [Fact]
    public async Task Take_HigherPriorityFirst_FifoWithinAPriority()
    {
        await using var client = await fixture.ConnectAsync();
        var queue = $"prio-{Guid.NewGuid():N}";
        foreach (var (text, priority) in new[] { ("a", 0), ("b", 5), ("c", 0), ("d", -1), ("e", 5), ("f", int.MaxValue), ("g", int.MinValue) })
        {
            await client.Queues.PutAsync(queue, Encoding.UTF8.GetBytes(text), priority);
        }

        var order = new List<string>();
        while (await client.Queues.TakeAsync(queue, TimeSpan.Zero) is { } item)
        {
            order.Add(Encoding.UTF8.GetString(item.Data));
            await client.Queues.AckAsync(queue, item.Receipt);
        }

        Assert.Equal(["f", "b", "e", "a", "c", "d", "g"], order);
    }

    [Fact]
    public async Task BlockingTake_WakesOnPut_AndTimesOutEmpty()
    {
        await using var taker = await fixture.ConnectAsync();
        await using var putter = await fixture.ConnectAsync();
        var queue = $"block-{Guid.NewGuid():N}";

        Assert.Null(await taker.Queues.TakeAsync(queue, TimeSpan.FromSeconds(1)));

        // Longer than one grain-side wait (3 s), so the take spans several polls before the put arrives.
        var waiting = taker.Queues.TakeAsync(queue, Patience);
        Assert.False(await Poll.HoldsWithinAsync(() => Task.FromResult(waiting.IsCompleted), TimeSpan.FromSeconds(4)),
            "take returned before anything was put");

        await putter.Queues.PutAsync(queue, "wake"u8.ToArray());
        var item = await waiting.WaitAsync(Patience);
        Assert.Equal("wake", Encoding.UTF8.GetString(item!.Data));
        Assert.Equal(1, item.Delivery);
    }

    [Fact]
    public async Task ConsumerCrash_UnackedMessagesComeBack_EachAckedExactlyOnce()
    {
        var queue = $"crash-{Guid.NewGuid():N}";
        await using var producer = await fixture.ConnectAsync();
        var ids = new List<string>();
        for (var i = 0; i < 20; i++) ids.Add(await producer.Queues.PutAsync(queue, Encoding.UTF8.GetBytes($"m{i}")));

        // A consumer takes five messages and dies without acking them.
        var crashed = await fixture.ConnectAsync(TimeSpan.FromSeconds(2));
        var lost = new List<QueueItem>();
        for (var i = 0; i < 5; i++) lost.Add((await crashed.Queues.TakeAsync(queue, TimeSpan.Zero, TimeSpan.FromSeconds(2)))!);
        await crashed.AbandonAsync();

        // Two live consumers drain the queue, acking what they take.
        var acked = new ConcurrentBag<QueueItem>();
        await using var first = await fixture.ConnectAsync();
        await using var second = await fixture.ConnectAsync();
        await Task.WhenAll(new[] { first, second }.Select(async consumer =>
        {
            while (acked.Count < 20 && await consumer.Queues.TakeAsync(queue, TimeSpan.FromSeconds(5)) is { } item)
            {
                await consumer.Queues.AckAsync(queue, item.Receipt);
                acked.Add(item);
            }
        }));

        Assert.Equal(ids.Order(), acked.Select(i => i.Id).Order());
        Assert.All(acked.Where(i => lost.Any(l => l.Id == i.Id)), i => Assert.Equal(2, i.Delivery));
        Assert.Equal(new QueueLength(0, 0), await producer.Queues.LengthAsync(queue));

        // The dead consumer's receipts are void: its message was acked by another.
        var stale = await Assert.ThrowsAsync<CoordException>(() => producer.Queues.AckAsync(queue, lost[0].Receipt));
        Assert.Equal(CoordErrorCode.NoNode, stale.Code);
    }

    [Fact]
    public async Task LengthPeekRelease()
    {
        await using var client = await fixture.ConnectAsync();
        var queue = $"len-{Guid.NewGuid():N}";
        Assert.Equal(new QueueLength(0, 0), await client.Queues.LengthAsync(queue));
        Assert.Null(await client.Queues.PeekAsync(queue));

        var id = await client.Queues.PutAsync(queue, "one"u8.ToArray());
        await client.Queues.PutAsync(queue, "two"u8.ToArray());
        Assert.Equal(id, (await client.Queues.PeekAsync(queue))!.Id);

        var taken = (await client.Queues.TakeAsync(queue, TimeSpan.Zero))!;
        Assert.Equal(new QueueLength(1, 1), await client.Queues.LengthAsync(queue));
        Assert.Equal("two", Encoding.UTF8.GetString((await client.Queues.PeekAsync(queue))!.Data));

        await client.Queues.ReleaseAsync(queue, taken.Receipt);
        var again = (await client.Queues.TakeAsync(queue, TimeSpan.Zero))!;
        Assert.Equal((id, 2), (again.Id, again.Delivery));
        await client.Queues.AckAsync(queue, again.Receipt);
        Assert.Equal(new QueueLength(1, 0), await client.Queues.LengthAsync(queue));
    }

    [Fact]
    public async Task Put_AfterAnotherActivationWrote_RetiresAndAppliesOnce()
    {
        await using var client = await fixture.ConnectAsync();
        var queue = $"dup-{Guid.NewGuid():N}";
        await client.Queues.PutAsync(queue, "first"u8.ToArray());

        // What a duplicate activation would do: put a message behind the cached activation's back.
        var store = MemoryTreeStore.GetShared(fixture.Cluster.Options.ClusterId);
        var other = new RecipeRecord<QueueHead>(store, QueueKeys.Head(queue), "queue:" + queue, () => { },
            new StorageRegressionGuard(Microsoft.Extensions.Logging.Abstractions.NullLogger<StorageRegressionGuard>.Instance), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var head = (await other.LoadAsync())!;
        var sneaked = QueueKeys.MessageId(0, head.NextSeq);
        Assert.Null(await other.CommitAsync(head with { NextSeq = head.NextSeq + 1 },
            [RecordWrite.Insert(QueueKeys.Message(queue, sneaked), "sneaked"u8.ToArray())]));

        await client.Queues.PutAsync(queue, "third"u8.ToArray());

        var taken = new List<string>();
        while (await client.Queues.TakeAsync(queue, TimeSpan.Zero) is { } item) taken.Add(Encoding.UTF8.GetString(item.Data));
        Assert.Equal(["first", "sneaked", "third"], taken);
    }

    [Fact]
    public async Task BadInput_TypedError_ChangesNothing()
    {
        await using var client = await fixture.ConnectAsync();
        var queue = $"bad-{Guid.NewGuid():N}";
        await client.Queues.PutAsync(queue, "x"u8.ToArray());
        var taken = (await client.Queues.TakeAsync(queue, TimeSpan.Zero))!;

        async Task Expect(CoordErrorCode code, Func<Task> call) => Assert.Equal(code, (await Assert.ThrowsAsync<CoordException>(call)).Code);
        await Expect(CoordErrorCode.BadArguments, () => client.Queues.PutAsync("", "x"u8.ToArray()));
        await Expect(CoordErrorCode.BadArguments, () => client.Queues.PutAsync(queue, new byte[1024 * 1024 + 1]));
        await Expect(CoordErrorCode.BadArguments, () => client.Queues.TakeAsync(queue, TimeSpan.FromSeconds(-1)));
        await Expect(CoordErrorCode.BadArguments, () => client.Queues.TakeAsync(queue, TimeSpan.Zero, TimeSpan.Zero));
        await Expect(CoordErrorCode.BadArguments, () => client.Queues.AckAsync(queue, "not-a-receipt"));
        await Expect(CoordErrorCode.NoNode, () => client.Queues.AckAsync(queue, taken.Receipt.Replace(":1", ":7")));
        await Expect(CoordErrorCode.NoNode, () => client.Queues.AckAsync(queue, QueueKeys.Receipt(QueueKeys.MessageId(0, 999), 1)));
        // And directly at the grain, past the SDK's checks.
        var grain = fixture.Cluster.Client.GetGrain<IQueueGrain>(queue);
        await Expect(CoordErrorCode.BadArguments, () => grain.Take(Guid.NewGuid(), 1000, -1));
        await Expect(CoordErrorCode.BadArguments, () => grain.Take(Guid.NewGuid(), 0, 0));

        Assert.Equal(new QueueLength(0, 1), await client.Queues.LengthAsync(queue));
        await client.Queues.AckAsync(queue, taken.Receipt);
        Assert.Equal(new QueueLength(0, 0), await client.Queues.LengthAsync(queue));
    }
}

/// <summary>Queue checks run against each storage (memory here, Azurite in <see cref="QueueAzuriteTests"/>).</summary>
internal static class QueueRunner
{
    public static async Task FifoAsync(CoordClient client, string queue)
    {
        var sent = Enumerable.Range(0, 12).Select(i => $"item-{i}").ToList();
        foreach (var text in sent) await client.Queues.PutAsync(queue, Encoding.UTF8.GetBytes(text));
        Assert.Equal(new QueueLength(12, 0), await client.Queues.LengthAsync(queue));

        var received = new List<string>();
        while (await client.Queues.TakeAsync(queue, TimeSpan.Zero) is { } item)
        {
            received.Add(Encoding.UTF8.GetString(item.Data));
            await client.Queues.AckAsync(queue, item.Receipt);
        }

        Assert.Equal(sent, received);
        Assert.Equal(new QueueLength(0, 0), await client.Queues.LengthAsync(queue));
    }

    public static async Task RedeliveryAsync(Func<TimeSpan, Task<CoordClient>> connect, string queue)
    {
        await using var producer = await connect(TimeSpan.FromSeconds(10));
        var id = await producer.Queues.PutAsync(queue, "job"u8.ToArray());
        var crashed = await connect(TimeSpan.FromSeconds(2));
        var first = (await crashed.Queues.TakeAsync(queue, TimeSpan.Zero, TimeSpan.FromSeconds(2)))!;
        await crashed.AbandonAsync();

        var second = (await producer.Queues.TakeAsync(queue, TimeSpan.FromSeconds(20)))!;
        Assert.Equal((id, id, 1, 2), (first.Id, second.Id, first.Delivery, second.Delivery));
        await producer.Queues.AckAsync(queue, second.Receipt);
        Assert.Equal(new QueueLength(0, 0), await producer.Queues.LengthAsync(queue));
    }
}
