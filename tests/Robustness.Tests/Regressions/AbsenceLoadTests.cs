using System.Text;
using Orleans.TestingHost;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Robustness.Tests.Cluster;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Robustness.Tests.Regressions;

public sealed class HeldLookupClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Cluster = await GridCluster.StartAsync(1, configure: builder => builder.AddSiloBuilderConfigurator<HeldLookupsConfigurator>());

    public async ValueTask DisposeAsync() => await GridCluster.StopAsync(Cluster);
}

/// <summary>
/// Found by the 30-minute ProcessKill soak (seed 803626745, register k2): a CAS set called after a create of its
/// znode was acknowledged answered NoNode, and a read afterwards saw the created node. A znode that has not loaded
/// its record asks its parent whether it exists; a write or read that arrived while such a load was in flight took
/// its answer, although the parent may have created the znode between its answer and the call's arrival.
/// </summary>
public sealed class AbsenceLoadTests(HeldLookupClusterFixture fixture) : IClassFixture<HeldLookupClusterFixture>
{
    private static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);

    [Fact]
    public async Task SetAndRead_CalledAfterCreateAcknowledged_WhileAnOlderLoadSawNoNode_SeeTheNode()
    {
        await using var client = await fixture.Cluster.ConnectAsync();
        var parent = await client.CreateAsync($"/absence-{Guid.NewGuid():N}");
        var name = $"k{Guid.NewGuid():N}";
        var path = $"{parent}/{name}";

        Task<Stat> early;
        Task<Stat> lateSet;
        Task<NodeData> lateRead;
        using (var hold = HeldLookups.For(name))
        {
            // A set before the node exists: its load asks the parent, which answers "absent"; that answer is held.
            early = client.SetDataAsync(path, Text("early"));
            await hold.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await client.CreateAsync(path, Text("created"));
            lateSet = client.SetDataAsync(path, Text("late"), version: 0);
            lateRead = client.GetDataAsync(path);
            await SettleAsync();
        }

        await Assert.ThrowsAsync<CoordException>(() => early); // concurrent with the create: NoNode is a fair answer
        var read = await lateRead;
        Assert.Contains(Encoding.UTF8.GetString(read.Data), new[] { "created", "late" });
        Assert.Equal(1, (await lateSet).Version);
    }

    /// <summary>Gives the calls just sent time to reach the znode (Orleans does not promise their order).</summary>
    private static Task SettleAsync() => Task.Delay(300);
}
