using System.Diagnostics;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.ZNodes;
using static OrleansCoord.Silo.Tests.GridConnect;

namespace OrleansCoord.Silo.Tests;

/// <summary>A client with two gateways keeps its session when one silo dies hard.</summary>
public sealed class FailoverTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public Task GatewaySiloKilled_SessionAndEphemeralSurvive() =>
        KillTheSessionsSiloAsync($"{azurite.RunId}-failover", $"/{azurite.RunId}-failover");

    /// <summary>The same on the Postgres profile: membership in Orleans' ADO.NET tables, the tree in PostgreSQL.</summary>
    [Fact]
    public async Task GatewaySiloKilled_SessionAndEphemeralSurvive_OnPostgres()
    {
        await using var postgres = await TestPostgres.StartAsync();
        await KillTheSessionsSiloAsync("pgfailover", "/pgfailover", "--storage", "Postgres", "--connection-string", postgres.ConnectionString);
    }

    private static async Task KillTheSessionsSiloAsync(string clusterId, string root, params string[] storageFlags)
    {
        await using var first = await SiloProcess.StartHealthyAsync(clusterId, storageFlags);
        await using var second = await SiloProcess.StartHealthyAsync(clusterId, storageFlags);
        SiloProcess[] silos = [first, second];
        await using (var inspector = await ClusterInspector.ConnectAsync(clusterId, silos))
        {
            await inspector.WaitForActiveSilosAsync(2, TimeSpan.FromSeconds(60));
        }

        await using var client = await ToAsync(silos.Select(s => s.Gateway), clusterId, SessionTimeout);
        await client.CreateAsync(root, Utf8("root"), cancellationToken: Ct);
        await client.CreateAsync($"{root}/counter", Utf8("0"), cancellationToken: Ct);
        await client.CreateAsync($"{root}/member", Utf8("me"), CreateMode.Ephemeral, cancellationToken: Ct);

        // Kill the silo that hosts the session grain: the hardest case (the session must move, not just the gateway).
        int? sessionPort;
        await using (var inspector = await ClusterInspector.ConnectAsync(clusterId, silos))
        {
            sessionPort = await inspector.SiloPortOfSessionAsync(client.SessionId);
        }

        var victim = silos.FirstOrDefault(s => s.Ports.Silo == sessionPort) ?? first;
        var survivor = victim == first ? second : first;
        var log = new List<string> { $"session 0x{client.SessionId:x} on silo port {sessionPort?.ToString() ?? "?"}; killed {victim.Ports.Silo}" };
        var clock = Stopwatch.StartNew();
        client.StateChanged += state => { lock (log) log.Add($"{clock.Elapsed:ss\\.fff} state {state}"); };
        await victim.KillHardAsync();

        // Keep using the session for longer than its timeout; ConnectionLoss while Orleans fails over is expected.
        var writes = 0;
        var lastOk = TimeSpan.Zero;
        while (lastOk < SessionTimeout + TimeSpan.FromSeconds(5))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"no successful round since {lastOk}:\n{string.Join('\n', log)}\n{survivor.Output}");
            try
            {
                await client.SetDataAsync($"{root}/counter", Utf8($"{++writes}"), cancellationToken: Ct);
                var member = await client.ExistsAsync($"{root}/member", Ct);
                Assert.True(member is not null, $"ephemeral gone at {clock.Elapsed}:\n{string.Join('\n', log)}\n{survivor.Output}");
                lastOk = clock.Elapsed;
            }
            catch (CoordException exception) when (GridErrors.IsTransient(exception))
            {
                lock (log) log.Add($"{clock.Elapsed:ss\\.fff} {exception.Code}: {exception.Message.Split('\n')[0]}");
            }
            catch (CoordException exception)
            {
                Assert.Fail($"{exception.Code} at {clock.Elapsed} ({exception.Message}):\n{string.Join('\n', log)}\n{survivor.Output}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), Ct);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', log));
        await Poll.UntilAsync(() => Task.FromResult(client.State is SessionState.Connected or SessionState.Expired or SessionState.Closed),
            TimeSpan.FromSeconds(10), () => $"state {client.State}");
        Assert.Equal(SessionState.Connected, client.State);

        // Seen through a separate session that only knows the surviving gateway.
        await using var observer = await ToAsync(survivor, clusterId);
        var stat = await observer.ExistsAsync($"{root}/member", Ct);
        Assert.NotNull(stat);
        Assert.Equal(client.SessionId, stat.EphemeralOwner);
        Assert.Equal($"{writes}", Text((await observer.GetDataAsync($"{root}/counter", Ct)).Data));

        try
        {
            await client.CreateAsync($"{root}/after", Utf8("written after the failover"), CreateMode.Ephemeral, cancellationToken: Ct);
        }
        catch (CoordException exception)
        {
            Assert.Fail($"{exception.Code} at {clock.Elapsed} on the create after the failover ({exception.Message}):\n{string.Join('\n', log)}\n{survivor.Output}");
        }

        Assert.Equal(client.SessionId, (await observer.ExistsAsync($"{root}/after", Ct))?.EphemeralOwner);
    }
}
