using System.Text;
using Orleans.TestingHost;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Robustness.Tests.Cluster;

namespace OrleansCoord.Robustness.Tests.Regressions;

public sealed class MemoryClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public GatedTreeStore Store => GatedTreeStore.For(Cluster.Options.ClusterId);

    public async ValueTask InitializeAsync() =>
        Cluster = await GridCluster.StartAsync(1, configure: builder => builder.AddSiloBuilderConfigurator<GatedStoreConfigurator>());

    public async ValueTask DisposeAsync() => await GridCluster.StopAsync(Cluster);
}

/// <summary>
/// Found by the fault runs: a znode's write pipeline answered refusals (BadVersion, NoNode) from writes of the same
/// batch that were not durable yet, and a second delete of a child in one batch got NoNode although the first was
/// refused and the child was still there. Both are linearizability violations that the checker reported.
/// </summary>
public sealed class PipelineRefusalTests(MemoryClusterFixture fixture) : IClassFixture<MemoryClusterFixture>
{
    private static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);

    [Fact]
    public async Task RefusalAgainstWriteThatFailsToCommit_IsRetried_NeverNamesAVersionThatNeverExisted()
    {
        await using var client = await fixture.Cluster.ConnectAsync();
        var key = await client.CreateAsync($"/refusal-{Guid.NewGuid():N}", Text("v0"));

        Exception? refusal = null;
        using (var gate = new CommitGate(fixture.Store, key, failures: 2))
        {
            // The first set holds the pipeline; the next two queue up behind it and form one batch, whose commit fails too.
            var first = Capture(client.SetDataAsync(key, Text("a")));
            await gate.Reached.WaitAsync(TimeSpan.FromSeconds(30));
            var unconditional = Capture(client.SetDataAsync(key, Text("b")));
            await SettleAsync();
            var conditional = client.SetDataAsync(key, Text("c"), version: 0);
            await SettleAsync();
            gate.Release();
            await first;
            await unconditional;
            try
            {
                var stat = await conditional;
                Assert.Equal(1, stat.Version);
            }
            catch (CoordException exception)
            {
                refusal = exception;
            }
        }

        // No commit before it landed, so the znode was at version 0 all along: BadVersion would name a version that never was.
        Assert.False(refusal is CoordException { Code: CoordErrorCode.BadVersion }, $"refused with {refusal?.Message}");
    }

    [Fact]
    public async Task TwoDeletesOfAChildInOneBatch_FirstRefused_SecondApplies()
    {
        await using var client = await fixture.Cluster.ConnectAsync();
        var parent = await client.CreateAsync($"/deletes-{Guid.NewGuid():N}");
        var child = await client.CreateAsync(parent + "/c");

        Task wrongVersion;
        Task rightVersion;
        using (var gate = new CommitGate(fixture.Store, parent + "/hold", failures: 0))
        {
            // A create under the parent holds its pipeline; both deletes queue up behind it and form one batch.
            var hold = client.CreateAsync(parent + "/hold");
            await gate.Reached.WaitAsync(TimeSpan.FromSeconds(30));
            wrongVersion = Capture(client.DeleteAsync(child, version: 5));
            await SettleAsync();
            rightVersion = client.DeleteAsync(child, version: 0);
            await SettleAsync();
            gate.Release();
            await hold;
        }

        await rightVersion;
        await wrongVersion;
        Assert.Null(await client.ExistsAsync(child));
    }

    /// <summary>
    /// Gives the request just sent time to reach the grain's queue (Orleans does not promise the order of concurrent
    /// calls). The assertions hold in any order and batching; this only makes the case they were written for likely.
    /// </summary>
    private static Task SettleAsync() => Task.Delay(300);

    private static async Task Capture(Task task)
    {
        try
        {
            await task;
        }
        catch (CoordException)
        {
            // Refused or unknown: these tests look at the other writes.
        }
    }
}
