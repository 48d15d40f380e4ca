using System.Text;
using OrleansCoord.Acls;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Grains.Tests.Support;
using OrleansCoord.Sessions;

namespace OrleansCoord.Grains.Tests;

/// <summary>A proven identity belongs to the session, not to a gateway or a silo: it survives the death of both.</summary>
public sealed class ProvenIdentityFailoverTests(TcpClusterFixture fixture) : IClassFixture<TcpClusterFixture>
{
    private static readonly AclEntry[] AliceOnly = [Acl.DigestEntry("alice", "secret", AclPerms.All)];

    [Fact]
    public async Task ProvenIdentity_WorksAcrossCalls_AndAfterTheSdkMovesToAnotherGateway()
    {
        var cluster = fixture.Cluster;
        var secondaries = cluster.Silos.Where(silo => silo != cluster.Primary).ToList();
        // The SDK's own connection (static gateways, as the CLI and the proxy use it), to the two silos that may die.
        var options = fixture.ClientOptions(secondaries);
        options.SessionTimeout = TimeSpan.FromSeconds(20);
        options.RequestTimeout = TimeSpan.FromSeconds(10);
        await using var alice = await CoordClient.ConnectAsync(options);
        await alice.AddAuthAsync("digest", "alice:secret");
        var paths = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            paths.Add(await alice.CreateAsync($"/proven-failover-{Guid.NewGuid():N}", Encoding.UTF8.GetBytes("v"), AliceOnly));
        }

        var sessionHost = await SiloLocator.HostOfAsync(cluster, cluster.Client.GetGrain<ISessionGrain>(alice.SessionId));
        var victim = sessionHost is not null && sessionHost != cluster.Primary ? sessionHost : secondaries[0];
        await cluster.KillSiloAsync(victim);

        // Every path (their grains and the gateway each went through are spread over the silos) still knows alice.
        await Poll.UntilAsync(async () =>
        {
            try
            {
                foreach (var path in paths) await alice.SetDataAsync(path, Encoding.UTF8.GetBytes("w"));
                return true;
            }
            catch (Exception exception) when (exception is not CoordException { Code: CoordErrorCode.NoAuth or CoordErrorCode.AuthFailed })
            {
                return false; // the silo's death is not known everywhere yet
            }
        }, TimeSpan.FromSeconds(60), "alice's writes after a gateway died");

        foreach (var path in paths) Assert.Equal("w", Encoding.UTF8.GetString((await alice.GetDataAsync(path)).Data));
        await alice.AddAuthAsync("digest", "bob:pw");
        Assert.Equal(2, alice.AuthIds.Count);
        Assert.Equal(SessionState.Connected, alice.State);
    }
}
