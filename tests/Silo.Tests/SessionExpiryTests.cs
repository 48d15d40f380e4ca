using OrleansCoord.ZNodes;
using static OrleansCoord.Silo.Tests.GridConnect;

namespace OrleansCoord.Silo.Tests;

/// <summary>A client that goes away without closing its session loses its ephemerals once the session times out.</summary>
public sealed class SessionExpiryTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task AbandonedSession_EphemeralGoneWithinTimeoutPlus15s()
    {
        var clusterId = $"{azurite.RunId}-abandon";
        var root = $"/{azurite.RunId}-abandon";
        await using var silo = await SiloProcess.StartHealthyAsync(clusterId);
        await using var observer = await ToAsync(silo, clusterId);
        await observer.CreateAsync(root, Utf8("root"), cancellationToken: Ct);

        var crashed = await ToAsync([silo.Gateway], clusterId, TimeSpan.FromSeconds(2));
        var timeout = crashed.SessionTimeout;
        try
        {
            Assert.Equal(TimeSpan.FromSeconds(2), timeout);
            await crashed.CreateAsync($"{root}/member", Utf8("me"), CreateMode.Ephemeral, cancellationToken: Ct);
            Assert.Equal(crashed.SessionId, (await observer.ExistsAsync($"{root}/member", Ct))?.EphemeralOwner);
        }
        finally
        {
            // No close: heartbeats stop and the connection drops, as when the client process crashes.
            await crashed.AbandonAsync();
        }

        var gone = await Poll.UntilAsync(async () => await observer.ExistsAsync($"{root}/member", Ct) is null,
            timeout + TimeSpan.FromSeconds(15), () => $"ephemeral of abandoned session 0x{crashed.SessionId:x} still there:\n{silo.Output}");
        TestContext.Current.TestOutputHelper?.WriteLine($"ephemeral gone {gone.TotalSeconds:0.0} s after abandon");

        // The observer's own session is unaffected.
        Assert.NotNull(await observer.ExistsAsync(root, Ct));
    }
}
