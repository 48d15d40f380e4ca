using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansCoord.Sessions;
using OrleansCoord.Watches;

namespace OrleansCoord.Silo.Tests;

/// <summary>A plain Orleans client that asks the cluster's management grain about silos and activations.</summary>
internal sealed class ClusterInspector : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterInspector(IHost host) => _host = host;

    private IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    private IManagementGrain Management => Client.GetGrain<IManagementGrain>(0);

    /// <summary>Connects to the given silos' gateways.</summary>
    public static async Task<ClusterInspector> ConnectAsync(string clusterId, params SiloProcess[] silos)
    {
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .UseOrleansClient(client =>
            {
                client.UseStaticClustering([.. silos.Select(s => new IPEndPoint(IPAddress.Loopback, s.Ports.Gateway))]);
                client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, "orleanscoord"));
            })
            .Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new ClusterInspector(host);
    }

    /// <summary>Polls until the cluster counts <paramref name="expected"/> active silos.</summary>
    public Task<TimeSpan> WaitForActiveSilosAsync(int expected, TimeSpan timeout)
    {
        var active = 0;
        return Poll.UntilAsync(
            async () => (active = (await Management.GetHosts(onlyActive: true)).Count) == expected,
            timeout, () => $"{active} active silo(s), expected {expected}");
    }

    /// <summary>The silo port of the silo that hosts the session's grain, or null when it is not active anywhere.</summary>
    public async Task<int?> SiloPortOfSessionAsync(long sessionId)
    {
        var address = await Management.GetActivationAddress(Client.GetGrain<ISessionGrain>(sessionId));
        return address?.Endpoint.Port;
    }

    /// <summary>The silo port of the silo that hosts the watch shard of <paramref name="path"/>, or null when it is not active anywhere.</summary>
    public async Task<int?> SiloPortOfWatchShardAsync(string path)
    {
        var address = await Management.GetActivationAddress(Client.GetGrain<IWatchShardGrain>(WatchStreams.ShardOf(path)));
        return address?.Endpoint.Port;
    }

    /// <summary>Stops the client.</summary>
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}
