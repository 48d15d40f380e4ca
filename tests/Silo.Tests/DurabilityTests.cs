using OrleansCoord.ZNodes;
using static OrleansCoord.Silo.Tests.GridConnect;

namespace OrleansCoord.Silo.Tests;

/// <summary>What a silo acknowledged is still there after it stops gracefully and starts again on Azurite.</summary>
public sealed class DurabilityTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Restart_KeepsDataVersionAndSequenceCounter()
    {
        var clusterId = $"{azurite.RunId}-restart";
        var root = $"/{azurite.RunId}-restart";
        string firstSequential;

        await using (var silo = await SiloProcess.StartHealthyAsync(clusterId))
        {
            await using (var client = await ToAsync(silo, clusterId))
            {
                await client.CreateAsync(root, Utf8("root"), cancellationToken: Ct);
                await client.CreateAsync($"{root}/config", Utf8("v1"), cancellationToken: Ct);
                await client.SetDataAsync($"{root}/config", Utf8("v2"), version: 0, cancellationToken: Ct);
                firstSequential = await client.CreateAsync($"{root}/job-", Utf8("a"), CreateMode.PersistentSequential, cancellationToken: Ct);
                Assert.Equal($"{root}/job-0000000000", firstSequential);
                await client.CreateAsync($"{root}/job-", Utf8("b"), CreateMode.PersistentSequential, cancellationToken: Ct);
            }

            Assert.Equal(0, await silo.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
        }

        await using (var silo = await SiloProcess.StartHealthyAsync(clusterId))
        await using (var client = await ToAsync(silo, clusterId))
        {
            var config = await client.GetDataAsync($"{root}/config", Ct);
            Assert.Equal("v2", Text(config.Data));
            Assert.Equal(1, config.Stat.Version);

            var children = await client.GetChildrenAsync(root, Ct);
            Assert.Equal(["config", "job-0000000000", "job-0000000001"], children.Children);

            // The parent's counter was stored, so numbering continues rather than restarting at 0.
            var next = await client.CreateAsync($"{root}/job-", Utf8("c"), CreateMode.PersistentSequential, cancellationToken: Ct);
            Assert.Equal($"{root}/job-0000000002", next);
        }
    }
}
