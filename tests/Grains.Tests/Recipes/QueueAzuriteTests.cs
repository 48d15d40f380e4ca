using OrleansCoord.Grains.Tests.Fixtures;

namespace OrleansCoord.Grains.Tests.Recipes;

/// <summary>The queue on Azure Table storage (Azurite): its keys, records and conditional writes on the real store.</summary>
public sealed class QueueAzuriteTests(AzuriteClusterFixture fixture) : IClassFixture<AzuriteClusterFixture>
{
    [Fact]
    public async Task PutTake_FirstInFirstOut()
    {
        await using var client = await fixture.ConnectAsync();
        await QueueRunner.FifoAsync(client, $"fifo {Guid.NewGuid():N}/ä#?");
    }

    [Fact]
    public async Task UnackedMessage_IsHandedOutAgainAfterItsVisibilityTimeout()
    {
        await QueueRunner.RedeliveryAsync(timeout => fixture.ConnectAsync(timeout), $"redeliver-{Guid.NewGuid():N}");
    }

    [Fact]
    public async Task Counter_AddsSumExactly()
    {
        await using var client = await fixture.ConnectAsync();
        var name = $"sum-{Guid.NewGuid():N}";
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => client.Counters.AddAsync(name, i)));
        Assert.Equal(Enumerable.Range(0, 40).Sum(), await client.Counters.GetAsync(name));
    }
}
