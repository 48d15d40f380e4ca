using OrleansCoord.Client;
using OrleansCoord.Grains.Hosting;

namespace OrleansCoord.Silo.Tests;

/// <summary>SDK connections to a silo under test, in that silo's cluster.</summary>
internal static class GridConnect
{
    /// <summary>Opens a session through one gateway; bounded by the SDK's own request timeout.</summary>
    public static Task<CoordClient> ToAsync(SiloProcess silo, string clusterId, string serviceId = CoordGridOptions.DefaultServiceId) =>
        CoordClient.ConnectAsync(new CoordClientOptions
        {
            Servers = [silo.Gateway],
            ClusterId = clusterId,
            ServiceId = serviceId,
            SessionTimeout = TimeSpan.FromSeconds(10),
            RequestTimeout = TimeSpan.FromSeconds(30),
        }, TestContext.Current.CancellationToken);

    /// <summary>Opens a session through the given gateways (the client fails over between them).</summary>
    public static Task<CoordClient> ToAsync(IEnumerable<string> gateways, string clusterId, TimeSpan sessionTimeout) =>
        CoordClient.ConnectAsync(new CoordClientOptions
        {
            Servers = [.. gateways],
            ClusterId = clusterId,
            SessionTimeout = sessionTimeout,
            RequestTimeout = TimeSpan.FromSeconds(10),
        }, TestContext.Current.CancellationToken);

    /// <summary>The running test's token: a cancelled or timed-out run stops waiting at once.</summary>
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    public static string Text(byte[] data) => System.Text.Encoding.UTF8.GetString(data);
}
