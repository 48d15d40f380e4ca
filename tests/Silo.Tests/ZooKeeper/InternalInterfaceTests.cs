using OrleansCoord.Errors;
using OrleansCoord.Grains.Recipes;
using OrleansCoord.Grains.Sessions;
using OrleansCoord.Grains.ZNodes;
using OrleansCoord.ZNodes;
using static OrleansCoord.Silo.Tests.GridConnect;
using static OrleansCoord.Silo.Tests.ZooKeeper.ZkRequests;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>
/// The grid's internal grain interfaces ([GridInternal]: a znode's participant side, session and lease maintenance)
/// refuse calls from a real external Orleans client through the gateway, while the same methods keep working when the
/// grid calls them itself: from grains (session close deletes ephemerals, multi runs transaction steps) and from
/// silo-hosted code (the ZooKeeper front end). docs/adr/013-identities.md, GUARANTEES 116.
/// </summary>
[Collection(nameof(ZkSiloCollection))]
public sealed class InternalInterfaceTests(ZkSiloFixture grid)
{
    [Fact]
    public async Task OutsideClient_CallingInternalInterfaces_IsRefused_AndNothingChanges()
    {
        var parent = $"/internal-{Guid.NewGuid():N}";
        await using var sdk = await ToAsync(grid.Silo, grid.ClusterId);
        await sdk.CreateAsync(parent);
        await sdk.CreateAsync($"{parent}/sdk-eph", Utf8("e"), CreateMode.Ephemeral);
        await using var wire = await RawZkConnection.ConnectAsync(grid.ZkPort);
        Assert.Equal(Err.Ok, (await wire.CallAsync(Op.Create, Create($"{parent}/wire-eph", "w", flags: 1))).Err);

        await using var outside = await OutsideOrleansClient.ConnectAsync(grid.Silo, grid.ClusterId);
        var participant = outside.Grains.GetGrain<IZNodeParticipantGrain>(parent);
        await AssertRefusedAsync(() => participant.DeleteEphemeral("sdk-eph", sdk.SessionId));
        await AssertRefusedAsync(() => participant.DeleteEphemeral("wire-eph", wire.SessionId));
        await AssertRefusedAsync(() => participant.HasChild("sdk-eph", Guid.Empty));
        await AssertRefusedAsync(() => participant.TxPrepare(Guid.NewGuid()));
        await AssertRefusedAsync(() => outside.Grains.GetGrain<IZNodeParticipantGrain>($"{parent}/sdk-eph").CheckExpiry());
        await AssertRefusedAsync(() => outside.Grains.GetGrain<ISessionMaintenanceGrain>(sdk.SessionId).Touch());
        await AssertRefusedAsync(() => outside.Grains.GetGrain<ILeaseMaintenanceGrain>("Lock:internal-test").ReleaseSession(sdk.SessionId));

        // A made-up proof under the guard's request-context key (time now, any MAC) is refused the same way.
        var forged = new byte[40];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(forged, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        RequestContext.Set(OrleansCoord.Grains.InternalCalls.InternalCallProof.ContextKey, forged);
        try
        {
            await AssertRefusedAsync(() => participant.DeleteEphemeral("sdk-eph", sdk.SessionId));
        }
        finally
        {
            RequestContext.Remove(OrleansCoord.Grains.InternalCalls.InternalCallProof.ContextKey);
        }

        // Nothing changed: both ephemerals are still there, for the SDK and on the wire.
        Assert.NotNull(await sdk.ExistsAsync($"{parent}/sdk-eph", Ct));
        Assert.Equal(Err.Ok, (await wire.CallAsync(Op.Exists, PathWatch($"{parent}/wire-eph"))).Err);
        Assert.Equal(["sdk-eph", "wire-eph"], (await sdk.GetChildrenAsync(parent, Ct)).Children.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GridCalls_ToInternalInterfaces_StillWork_FromGrainsAndTheZooKeeperPort()
    {
        var parent = $"/internal-ok-{Guid.NewGuid():N}";
        await using var sdk = await ToAsync(grid.Silo, grid.ClusterId);
        await sdk.CreateAsync(parent);

        // The SDK's public operations: a delete asks the parent (participant calls from the znode grain).
        await sdk.CreateAsync($"{parent}/p", Utf8("v"));
        Assert.Equal("v", GridConnect.Text((await sdk.GetDataAsync($"{parent}/p", Ct)).Data));
        await sdk.DeleteAsync($"{parent}/p", cancellationToken: Ct);

        // The ZooKeeper port (silo-hosted): a multi runs transaction steps on participants.
        await using (var wire = await RawZkConnection.ConnectAsync(grid.ZkPort))
        {
            var multi = await wire.CallAsync(Op.Multi, Multi(
                (Op.Create, Create($"{parent}/m1", "a")), (Op.Create, Create($"{parent}/m2", "b", flags: 1))));
            Assert.Equal(Err.Ok, multi.Err);
            Assert.Equal(Err.Ok, (await wire.CallAsync(Op.Delete, Delete($"{parent}/m1"))).Err);
            Assert.Equal(Err.Ok, (await wire.CallAsync(Op.Exists, PathWatch($"{parent}/m2"))).Err);
        }

        // Ending sessions: the session grains delete their ephemerals through DeleteEphemeral.
        await using (var owner = await ToAsync(grid.Silo, grid.ClusterId))
        {
            await owner.CreateAsync($"{parent}/e", Utf8("e"), CreateMode.Ephemeral);
        }

        await Poll.UntilAsync(async () => (await sdk.GetChildrenAsync(parent, Ct)).Children.Length == 0,
            TimeSpan.FromSeconds(30), () => "the closed sessions' ephemerals are not deleted");
    }

    private static async Task AssertRefusedAsync(Func<Task> call)
    {
        var refused = await Assert.ThrowsAsync<CoordException>(call);
        Assert.Equal(CoordErrorCode.NoAuth, refused.Code);
        Assert.Contains("internal to the grid", refused.Message);
    }
}
