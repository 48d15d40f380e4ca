using OrleansCoord.Acls;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Grains.Tests.Support;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

public sealed class SessionTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Open_NegotiatesTimeoutIntoRange()
    {
        await using var shortOne = await fixture.ConnectAsync(TimeSpan.FromMilliseconds(10));
        await using var longOne = await fixture.ConnectAsync(TimeSpan.FromMinutes(10));
        Assert.Equal(TimeSpan.FromSeconds(2), shortOne.SessionTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), longOne.SessionTimeout);
        Assert.NotEqual(shortOne.SessionId, longOne.SessionId);
    }

    [Fact]
    public async Task Close_DeletesEphemerals_KeepsPersistent()
    {
        await using var observer = await fixture.ConnectAsync();
        var root = await observer.CreateAsync($"/sess-{Guid.NewGuid():N}");
        var owner = await fixture.ConnectAsync();
        var ephemeral = await owner.CreateAsync(root + "/e");
        await owner.DeleteAsync(ephemeral);
        ephemeral = await owner.CreateAsync(root + "/e", mode: CreateMode.Ephemeral);
        var sequential = await owner.CreateAsync(root + "/s-", mode: CreateMode.EphemeralSequential);
        await owner.CreateAsync(root + "/p");

        await owner.CloseAsync();

        Assert.Equal(SessionState.Closed, owner.State);
        Assert.Null(await observer.ExistsAsync(ephemeral));
        Assert.Null(await observer.ExistsAsync(sequential));
        Assert.Equal(["p"], (await observer.GetChildrenAsync(root)).Children);
        var closed = await Assert.ThrowsAsync<CoordException>(() => owner.CreateAsync(root + "/late"));
        Assert.Equal(CoordErrorCode.SessionExpired, closed.Code);
    }

    [Fact]
    public async Task Abandoned_ExpiresAfterTimeout_DeletesEphemerals()
    {
        await using var observer = await fixture.ConnectAsync();
        var owner = await fixture.ConnectAsync(TimeSpan.FromSeconds(2));
        var path = await owner.CreateAsync($"/eph-{Guid.NewGuid():N}", mode: CreateMode.Ephemeral);
        await owner.AbandonAsync();
        Assert.NotNull(await observer.ExistsAsync(path));

        await Poll.UntilAsync(async () => await observer.ExistsAsync(path) is null, TimeSpan.FromSeconds(10), "expiry of the abandoned session");

        var expired = await Assert.ThrowsAsync<CoordException>(() => owner.CreateAsync(path, mode: CreateMode.Ephemeral));
        Assert.Equal(CoordErrorCode.SessionExpired, expired.Code);
        Assert.Null(await observer.ExistsAsync(path));
    }

    [Fact]
    public async Task Heartbeats_KeepSessionAliveBeyondTimeout()
    {
        // 4 s, not the shortest 2 s: with heartbeats every third of it, a 2 s session dies on a 1.3 s stall of the
        // test process, which a loaded CI machine can cause; 10 s is still well beyond the timeout.
        await using var owner = await fixture.ConnectAsync(TimeSpan.FromSeconds(4));
        var path = await owner.CreateAsync($"/alive-{Guid.NewGuid():N}", mode: CreateMode.Ephemeral);
        Assert.False(await Poll.HoldsWithinAsync(
            async () => owner.State != SessionState.Connected || await owner.ExistsAsync(path) is null, TimeSpan.FromSeconds(10)),
            "the session ended (or its ephemeral went) within 10 s despite its heartbeats");
    }

    [Fact]
    public async Task EndedByAnActivationThatHeardNoHeartbeats_ClientLearnsExpired_EphemeralsGo()
    {
        await using var observer = await fixture.ConnectAsync();
        var owner = await fixture.ConnectAsync(TimeSpan.FromSeconds(2));
        var path = await owner.CreateAsync($"/ended-{Guid.NewGuid():N}", mode: CreateMode.Ephemeral);

        // What a deaf activation (a duplicate, another cluster's sweeper) does when its commit wins: the record marked
        // closing and the fence gone, behind the back of the activation that hears the client.
        var store = MemoryTreeStore.GetShared(fixture.Cluster.Options.ClusterId);
        var key = TreeKeys.SessionRecord(owner.SessionId);
        var stored = await store.ReadAsync(key);
        var record = Grains.Sessions.SessionRecordCodec.Instance.Decode(stored!.Value);
        Assert.True((await store.CommitAsync([
            RecordWrite.Replace(key, Grains.Sessions.SessionRecordCodec.Instance.Encode(record with { Closing = true }), stored.Token),
            RecordWrite.Delete(TreeKeys.SessionFence(owner.SessionId), "*"),
        ])).Committed);

        // The hearing activation finds out at its next renewal (half a timeout): it finishes the ending, and its
        // client learns it from the next heartbeat instead of showing Connected on a session that is gone.
        await Poll.UntilAsync(() => Task.FromResult(owner.State == SessionState.Expired), TimeSpan.FromSeconds(20), "the client hears Expired");
        await Poll.UntilAsync(async () => await observer.ExistsAsync(path) is null, TimeSpan.FromSeconds(10), "the ephemeral goes");
        await owner.AbandonAsync();
    }

    [Fact]
    public async Task Multi_EphemeralOfClosedSession_FailsSessionExpired()
    {
        var owner = await fixture.ConnectAsync();
        await owner.AbandonAsync();
        Caller.Use(owner.Credential); // the session's own credential: the grid ends a session only for its holder
        await fixture.Cluster.Client.GetGrain<OrleansCoord.Sessions.ISessionGrain>(owner.SessionId).Close();
        var results = await owner.MultiAsync([new CreateOp($"/m-{Guid.NewGuid():N}", [], CreateMode.Ephemeral)]);
        Assert.Equal(CoordErrorCode.SessionExpired, results[0].Code);
    }
}
