using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using static OrleansCoord.Silo.Tests.GridConnect;

namespace OrleansCoord.Silo.Tests;

/// <summary>Two silos on one machine with different ports form one cluster through the clustering table.</summary>
public sealed class ClusterTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task TwoSilos_FormOneCluster_AndShareTheTree()
    {
        var clusterId = $"{azurite.RunId}-two";
        await using var first = await SiloProcess.StartHealthyAsync(clusterId);
        await using var second = await SiloProcess.StartHealthyAsync(clusterId);

        Assert.Equal(2, await WaitForActiveSilosAsync(first, clusterId, expected: 2, TimeSpan.FromSeconds(60)));

        var path = $"/{azurite.RunId}-two";
        await using (var writer = await ToAsync(first, clusterId))
        {
            await writer.CreateAsync(path, Utf8("from the first gateway"), cancellationToken: Ct);
        }

        await using var reader = await ToAsync(second, clusterId);
        var node = await reader.GetDataAsync(path, Ct);
        Assert.Equal("from the first gateway", Text(node.Data));
    }

    // Asks the cluster itself (the management grain) how many silos are active, polling until it agrees or time runs out.
    private static async Task<int> WaitForActiveSilosAsync(SiloProcess silo, string clusterId, int expected, TimeSpan timeout)
    {
        using var host = new HostBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .UseOrleansClient(client =>
            {
                client.UseStaticClustering(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, silo.Ports.Gateway));
                client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, "orleanscoord"));
            })
            .Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var management = host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
            var active = 0;
            await Poll.HoldsWithinAsync(async () => (active = (await management.GetHosts(onlyActive: true)).Count) >= expected, timeout,
                TimeSpan.FromMilliseconds(500));
            return active;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
