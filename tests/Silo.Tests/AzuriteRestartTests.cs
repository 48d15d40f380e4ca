using OrleansCoord.ZNodes;
using static OrleansCoord.Silo.Tests.GridConnect;

namespace OrleansCoord.Silo.Tests;

/// <summary>What the grid acknowledged survives a stop of both the silo and the Azurite under it.</summary>
public sealed class AzuriteRestartTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task SiloAndAzuriteRestart_KeepTreeCountersAndSessions()
    {
        var clusterId = $"{azurite.RunId}-azrestart";
        var root = $"/{azurite.RunId}-azrestart";
        await using var storage = new AzuriteProcess();
        await storage.StartAsync();
        string[] flags = ["--connection-string", storage.ConnectionString];
        long abandonedSession;
        TimeSpan abandonedTimeout;

        await using (var silo = await SiloProcess.StartHealthyAsync(clusterId, flags))
        {
            await using (var writer = await ToAsync(silo, clusterId))
            {
                await writer.CreateAsync(root, Utf8("root"), cancellationToken: Ct);
                await writer.CreateAsync($"{root}/config", Utf8("v1"), cancellationToken: Ct);
                Assert.Equal(1, (await writer.SetDataAsync($"{root}/config", Utf8("v2"), version: 0, cancellationToken: Ct)).Version);
                for (var i = 0; i < 3; i++)
                {
                    var job = await writer.CreateAsync($"{root}/job-", Utf8($"job {i}"), CreateMode.PersistentSequential, cancellationToken: Ct);
                    Assert.Equal($"{root}/job-{i:D10}", job);
                }

                await writer.DeleteAsync($"{root}/job-0000000001", cancellationToken: Ct);
                await writer.CreateAsync($"{root}/members", cancellationToken: Ct);
            }

            await using (var closed = await ToAsync(silo, clusterId))
            {
                await closed.CreateAsync($"{root}/members/closed", Utf8("closed"), CreateMode.Ephemeral, cancellationToken: Ct);
            }

            var abandoned = await ToAsync(silo, clusterId);
            (abandonedSession, abandonedTimeout) = (abandoned.SessionId, abandoned.SessionTimeout);
            try
            {
                await abandoned.CreateAsync($"{root}/members/abandoned", Utf8("abandoned"), CreateMode.Ephemeral, cancellationToken: Ct);
            }
            finally
            {
                await abandoned.AbandonAsync();
            }

            Assert.Equal(0, await silo.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
        }

        Assert.True(await storage.StopGracefullyAsync(TimeSpan.FromSeconds(20)), $"Azurite ignored SIGTERM:\n{storage.Output}");
        await storage.StartAsync();

        await using (var silo = await SiloProcess.StartHealthyAsync(clusterId, flags))
        await using (var client = await ToAsync(silo, clusterId))
        {
            var config = await client.GetDataAsync($"{root}/config", Ct);
            Assert.Equal("v2", Text(config.Data));
            Assert.Equal(1, config.Stat.Version);
            Assert.Equal(["config", "job-0000000000", "job-0000000002", "members"], (await client.GetChildrenAsync(root, Ct)).Children);
            Assert.Equal("job 2", Text((await client.GetDataAsync($"{root}/job-0000000002", Ct)).Data));

            // The parent's counter came back too: no number is handed out twice, not even the deleted one's.
            var next = await client.CreateAsync($"{root}/job-", Utf8("job 3"), CreateMode.PersistentSequential, cancellationToken: Ct);
            Assert.Equal($"{root}/job-0000000003", next);

            Assert.Null(await client.ExistsAsync($"{root}/members/closed", Ct));
            var abandonedAtStart = await client.ExistsAsync($"{root}/members/abandoned", Ct);
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"abandoned session's ephemeral {(abandonedAtStart is null ? "already gone" : "still there")} right after the restart");
            Assert.True(abandonedAtStart is null || abandonedAtStart.EphemeralOwner == abandonedSession);

            var gone = await Poll.UntilAsync(async () => await client.ExistsAsync($"{root}/members/abandoned", Ct) is null,
                abandonedTimeout + TimeSpan.FromSeconds(15),
                () => $"ephemeral of abandoned session 0x{abandonedSession:x} still there:\n{silo.Output}");
            TestContext.Current.TestOutputHelper?.WriteLine($"abandoned session's ephemeral gone {gone.TotalSeconds:0.0} s after the silo came back");
            Assert.Empty((await client.GetChildrenAsync($"{root}/members", Ct)).Children);
        }
    }
}
