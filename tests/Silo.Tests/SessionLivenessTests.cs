using System.Diagnostics;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.ZNodes;
using static OrleansCoord.Silo.Tests.GridConnect;

namespace OrleansCoord.Silo.Tests;

/// <summary>
/// A session whose client keeps heartbeating is not ended by an activation of its grain that hears none of the
/// heartbeats. Here that activation is made by another cluster's sweeper on the same storage (as the process tests
/// of a CI run share one Azurite and its tree); a duplicate activation during a membership change (docs/adr/005)
/// is in the same position. Before the session grain renewed its record, the deaf activation ended the session one
/// timeout after it woke: the fence went, the next ephemeral create failed with SessionExpired, while the client
/// still showed Connected (the CI failure of <see cref="FailoverTests"/>).
/// </summary>
public sealed class SessionLivenessTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task ActivationThatHearsNoHeartbeats_DoesNotEndALiveSession()
    {
        var homeCluster = $"{azurite.RunId}-live-home";
        var otherCluster = $"{azurite.RunId}-live-other";
        var root = $"/{azurite.RunId}-live";
        await using var home = await SiloProcess.StartHealthyAsync(homeCluster);
        await using var client = await ToAsync([home.Gateway], homeCluster, SessionTimeout);
        var log = new List<string>();
        var clock = Stopwatch.StartNew();
        client.StateChanged += state => { lock (log) log.Add($"{clock.Elapsed:mm\\:ss\\.fff} state {state}"); };
        await client.CreateAsync(root, Utf8("root"), cancellationToken: Ct);
        await client.CreateAsync($"{root}/member", Utf8("me"), CreateMode.Ephemeral, cancellationToken: Ct);

        // The other cluster's sweeper touches every session record in the tree, this one included.
        await using var other = await SiloProcess.StartHealthyAsync(otherCluster);
        await using (var inspector = await ClusterInspector.ConnectAsync(otherCluster, other))
        {
            await Poll.UntilAsync(async () => await inspector.SiloPortOfSessionAsync(client.SessionId) is not null,
                TimeSpan.FromSeconds(60), () => $"the other cluster never activated session 0x{client.SessionId:x}:\n{other.Output}");
        }

        lock (log) log.Add($"{clock.Elapsed:mm\\:ss\\.fff} the other cluster holds an activation that hears no heartbeats");

        // Keep using the session while that activation's deadline passes several times over.
        var busyUntil = clock.Elapsed + 4 * SessionTimeout;
        var writes = 0;
        while (clock.Elapsed < busyUntil)
        {
            await client.SetDataAsync(root, Utf8($"{++writes}"), cancellationToken: Ct);
            await Task.Delay(TimeSpan.FromMilliseconds(200), Ct);
        }

        try
        {
            await client.CreateAsync($"{root}/after", Utf8("after"), CreateMode.Ephemeral, cancellationToken: Ct);
        }
        catch (CoordException exception)
        {
            Assert.Fail($"{exception.Code} ({exception.Message}) at {clock.Elapsed}, client state {client.State}:\n" +
                $"{string.Join('\n', log)}\nhome silo:\n{home.Output}\nother silo:\n{other.Output}");
        }

        Assert.Equal(SessionState.Connected, client.State);

        // Read back from storage, through the other cluster (its znode grains load what the tree holds).
        await using var reader = await ToAsync(other, otherCluster);
        foreach (var name in new[] { "member", "after" })
        {
            Assert.Equal(client.SessionId, (await reader.ExistsAsync($"{root}/{name}", Ct))?.EphemeralOwner);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{string.Join('\n', log)}\nother silo:\n{other.Output}");
    }
}
