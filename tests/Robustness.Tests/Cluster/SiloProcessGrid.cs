using OrleansCoord.Client;

namespace OrleansCoord.Robustness.Tests.Cluster;

/// <summary>
/// Silos as real processes (OrleansCoord.Silo) on the run's Azurite, Azure Table clustering, the strongly consistent
/// grain directory (as the TestCluster runs use), ZooKeeper port off; every client knows every gateway. A silo that is
/// killed is started again on its own ports.
/// </summary>
public sealed class SiloProcessGrid : IChaosGrid
{
    private readonly List<string> _gateways = [];

    private SiloProcessGrid(string clusterId) => ClusterId = clusterId;

    public string ClusterId { get; }

    /// <summary>The silo's default tree table (each run has an Azurite of its own).</summary>
    public string TableName => "coordtree";

    public List<SiloProcess> Silos { get; } = [];

    public static async Task<SiloProcessGrid> StartAsync(OwnAzurite azurite, int silos)
    {
        var grid = new SiloProcessGrid("rp" + Guid.NewGuid().ToString("N")[..16]);
        try
        {
            for (var i = 0; i < silos; i++)
            {
                var ports = FreePorts.Pick(3);
                grid._gateways.Add($"127.0.0.1:{ports[1]}");
                grid.Silos.Add(new SiloProcess(
                [
                    "--storage", "AzureStorage", "--connection-string", azurite.ConnectionString, "--cluster-id", grid.ClusterId,
                    "--grain-directory", "Distributed", "--zk-port", "0", "--proxy-port", "0",
                    "--silo-port", $"{ports[0]}", "--gateway-port", $"{ports[1]}", "--http-port", $"{ports[2]}",
                ], ports[2]));
            }

            await Task.WhenAll(grid.Silos.Select(s => s.StartAsync(TimeSpan.FromSeconds(120))));
            return grid;
        }
        catch
        {
            await grid.StopAsync();
            throw;
        }
    }

    public Task<CoordClient> ConnectAsync(TimeSpan? sessionTimeout = null) =>
        CoordClient.ConnectAsync(new CoordClientOptions
        {
            Servers = [.. _gateways],
            ClusterId = ClusterId,
            SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(10),
            RequestTimeout = TimeSpan.FromSeconds(8),
        });

    public async Task StopAsync()
    {
        foreach (var silo in Silos) await silo.DisposeAsync();
    }
}
