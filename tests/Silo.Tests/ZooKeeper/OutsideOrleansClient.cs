using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>
/// A plain Orleans client in the test process, connected to a silo process's gateway over TCP and built against the
/// Grains assembly: what anyone who reaches port 30000 can run. It is not the SDK, carries no credential and no proof.
/// </summary>
internal sealed class OutsideOrleansClient : IAsyncDisposable
{
    private readonly IHost _host;

    private OutsideOrleansClient(IHost host) => _host = host;

    public IClusterClient Grains => _host.Services.GetRequiredService<IClusterClient>();

    public static async Task<OutsideOrleansClient> ConnectAsync(SiloProcess silo, string clusterId)
    {
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .UseOrleansClient(client =>
            {
                client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, silo.Ports.Gateway));
                client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, "orleanscoord"));
                client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(20));
            })
            .Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new OutsideOrleansClient(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}
