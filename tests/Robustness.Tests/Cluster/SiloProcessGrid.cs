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
    private string? _azuriteDirectory;

    private SiloProcessGrid(string clusterId) => ClusterId = clusterId;

    public string ClusterId { get; }

    /// <summary>The silo's default tree table (each run has an Azurite of its own).</summary>
    public string TableName => "coordtree";

    public List<SiloProcess> Silos { get; } = [];

    public static Task<SiloProcessGrid> StartAsync(AzuriteProcess azurite, int silos) =>
        StartAsync(new SiloProcessGrid("rp" + Guid.NewGuid().ToString("N")[..16]), silos, ["--storage", "AzureStorage", "--connection-string", azurite.ConnectionString]);

    /// <summary>Silo processes on the Postgres profile, on a PostgreSQL of the grid's own (stopped with the grid).</summary>
    public static async Task<SiloProcessGrid> StartOnPostgresAsync(int silos)
    {
        var postgres = await TestPostgres.StartAsync();
        var grid = new SiloProcessGrid("rg" + Guid.NewGuid().ToString("N")[..16]) { Postgres = postgres };
        return await StartAsync(grid, silos, ["--storage", "Postgres", "--connection-string", postgres.ConnectionString]);
    }

    /// <summary>The PostgreSQL of a grid on the Postgres profile; null otherwise.</summary>
    internal TestPostgres? Postgres { get; private init; }

    private static async Task<SiloProcessGrid> StartAsync(SiloProcessGrid grid, int silos, string[] storage)
    {
        try
        {
            for (var i = 0; i < silos; i++)
            {
                var ports = SiloPorts.PickWithoutZooKeeper();
                grid._gateways.Add($"127.0.0.1:{ports.Gateway}");
                grid.Silos.Add(SiloProcess.Create(ports, [.. storage, "--cluster-id", grid.ClusterId, "--grain-directory", "Distributed", .. ports.Flags]));
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

    /// <summary>
    /// One silo on the Azurite it starts itself (free ports, a fresh folder), as the README's run command does: killing
    /// the silo ends its Azurite too (which saves on the way out), and the silo started again starts a new one.
    /// </summary>
    public static async Task<SiloProcessGrid> StartWithEmbeddedAzuriteAsync()
    {
        var grid = new SiloProcessGrid("re" + Guid.NewGuid().ToString("N")[..16]);
        var azurite = FreePorts.Pick(3);
        grid._azuriteDirectory = Path.Combine(Path.GetTempPath(), $"coord-chaos-embedded-{Guid.NewGuid():N}");
        var ports = SiloPorts.PickWithoutZooKeeper();
        grid._gateways.Add($"127.0.0.1:{ports.Gateway}");
        grid.Silos.Add(SiloProcess.Create(ports,
        [
            "--storage", "AzureStorage", "--connection-string", AzuriteProcess.ConnectionStringFor(azurite),
            "--azurite-ports", string.Join(',', azurite), "--azurite-dir", grid._azuriteDirectory, "--cluster-id", grid.ClusterId,
            "--dashboard", "off", .. ports.Flags,
        ]));
        try
        {
            await grid.Silos[0].StartAsync(TimeSpan.FromSeconds(120));
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
        // The silo alone, not its process tree: an embedded Azurite ends on its own and saves on the way out.
        foreach (var silo in Silos) await silo.KillAsync();
        if (Postgres is not null) await Postgres.DisposeAsync();
        if (_azuriteDirectory is null) return;

        // The embedded Azurite ends with its silo (within its 10 s grace); the folder goes after it (best effort: /tmp).
        var folder = _azuriteDirectory;
        await Poll.HoldsWithinAsync(() =>
        {
            try
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
                return Task.FromResult(true);
            }
            catch (IOException)
            {
                return Task.FromResult(false);
            }
        }, TimeSpan.FromSeconds(15));
    }
}
