using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.TestingHost;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

public abstract class MultiTests(ClusterFixture fixture)
{
    private static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);

    [Fact]
    public async Task Multi_AllSucceed_AppliesEveryOpWithResults()
    {
        await using var client = await fixture.ConnectAsync();
        var root = await client.CreateAsync($"/multi-{Guid.NewGuid():N}");
        await client.CreateAsync(root + "/old", Text("x"));
        await client.CreateAsync(root + "/set", Text("x"));

        var results = await client.MultiAsync([
            new CreateOp(root + "/dir", []),
            new CreateOp(root + "/dir/child", Text("c")),
            new CreateOp(root + "/dir/seq-", [], CreateMode.PersistentSequential),
            new SetDataOp(root + "/set", Text("y"), 0),
            new CheckOp(root + "/set", 1),
            new DeleteOp(root + "/old", 0),
        ]);

        Assert.All(results, r => Assert.Equal(CoordErrorCode.Ok, r.Code));
        Assert.Equal(root + "/dir/seq-0000000000", results[2].Path);
        Assert.Equal(1, results[3].Stat!.Version);
        Assert.Equal(["child", "seq-0000000000"], (await client.GetChildrenAsync(root + "/dir")).Children);
        Assert.Equal("y", Encoding.UTF8.GetString((await client.GetDataAsync(root + "/set")).Data));
        Assert.Null(await client.ExistsAsync(root + "/old"));
        Assert.Equal(["dir", "set"], (await client.GetChildrenAsync(root)).Children);
    }

    [Fact]
    public async Task Multi_SeveralEphemeralsOfOneSession_AllCreated()
    {
        // Every ephemeral create checks the session's fence record; one commit must check it once, not fail on it.
        await using var client = await fixture.ConnectAsync();
        var root = await client.CreateAsync($"/multi-{Guid.NewGuid():N}");
        await client.CreateAsync(root + "/other");

        var results = await client.MultiAsync([
            new CreateOp(root + "/e1", [], CreateMode.Ephemeral),
            new CreateOp(root + "/e2", [], CreateMode.Ephemeral),
            new CreateOp(root + "/other/e3", [], CreateMode.Ephemeral),
        ]);

        Assert.All(results, r => Assert.Equal(CoordErrorCode.Ok, r.Code));
        Assert.Equal(client.SessionId, (await client.ExistsAsync(root + "/other/e3"))!.EphemeralOwner);
        Assert.Equal(["e1", "e2", "other"], (await client.GetChildrenAsync(root)).Children);
    }

    [Fact]
    public async Task Multi_OneFails_NothingApplied_ResultsLikeZooKeeper()
    {
        await using var client = await fixture.ConnectAsync();
        var root = await client.CreateAsync($"/multi-{Guid.NewGuid():N}");
        await client.CreateAsync(root + "/set", Text("x"));

        var results = await client.MultiAsync([
            new CreateOp(root + "/new", []),
            new SetDataOp(root + "/set", Text("y"), -1),
            new CheckOp(root + "/set", 7),
            new DeleteOp(root + "/set", -1),
        ]);

        Assert.Equal([CoordErrorCode.Ok, CoordErrorCode.Ok, CoordErrorCode.BadVersion, CoordErrorCode.RuntimeInconsistency],
            results.Select(r => r.Code));
        Assert.Null(await client.ExistsAsync(root + "/new"));
        var set = await client.GetDataAsync(root + "/set");
        Assert.Equal("x", Encoding.UTF8.GetString(set.Data));
        Assert.Equal(0, set.Stat.Version);
        Assert.Equal(["set"], (await client.GetChildrenAsync(root)).Children);
    }

    [Fact]
    public async Task Multi_DeleteThenRecreate_InOneStep()
    {
        await using var client = await fixture.ConnectAsync();
        var root = await client.CreateAsync($"/multi-{Guid.NewGuid():N}");
        await client.CreateAsync(root + "/n", Text("old"));
        var results = await client.MultiAsync([new DeleteOp(root + "/n"), new CreateOp(root + "/n", Text("new"))]);
        Assert.All(results, r => Assert.False(r.IsError));
        var node = await client.GetDataAsync(root + "/n");
        Assert.Equal("new", Encoding.UTF8.GetString(node.Data));
        Assert.Equal(0, node.Stat.Version);
    }

    [Fact]
    public async Task Multi_RecreatesChildCreatedBySingleCreate_LaterActivationSeesNewRecord()
    {
        await using var client = await fixture.ConnectAsync();
        var root = await client.CreateAsync($"/multi-{Guid.NewGuid():N}");
        await client.CreateAsync(root + "/n", Text("first"));
        await client.MultiAsync([new DeleteOp(root + "/n"), new CreateOp(root + "/n", Text("second"))]);

        // Make the child load again (its parent stays active): it must not get the record of the first create.
        await fixture.Cluster.Client.GetGrain<IZNodeGrain>(root + "/n").Cast<IGrainManagementExtension>().DeactivateOnIdle();
        Assert.Equal("second", Encoding.UTF8.GetString((await client.GetDataAsync(root + "/n")).Data));
    }

    [Fact]
    public async Task Multi_DeleteParentAfterCreatingChild_FailsNotEmpty()
    {
        await using var client = await fixture.ConnectAsync();
        var root = await client.CreateAsync($"/multi-{Guid.NewGuid():N}");
        var results = await client.MultiAsync([new CreateOp(root + "/c", []), new DeleteOp(root)]);
        Assert.Equal(CoordErrorCode.NotEmpty, results[1].Code);
        Assert.NotNull(await client.ExistsAsync(root));
        Assert.Null(await client.ExistsAsync(root + "/c"));
    }

    [Fact]
    public async Task Multi_ConcurrentWithSingleWrites_StaysConsistent()
    {
        await using var client = await fixture.ConnectAsync();
        var root = await client.CreateAsync($"/multi-{Guid.NewGuid():N}");
        await client.CreateAsync(root + "/counter", Text("0"));

        // Each multi moves one item from "pending" into "done" guarded by the counter's version.
        var tasks = Enumerable.Range(0, 20).Select(async i =>
        {
            while (true)
            {
                var counter = await client.GetDataAsync(root + "/counter");
                var results = await client.MultiAsync([
                    new SetDataOp(root + "/counter", Text((counter.Stat.Version + 1).ToString()), counter.Stat.Version),
                    new CreateOp(root + "/done-" + i, []),
                ]);
                if (!results[0].IsError) return;
            }
        });
        await Task.WhenAll(tasks);

        Assert.Equal(20, (await client.ExistsAsync(root + "/counter"))!.Version);
        Assert.Equal(21, (await client.GetChildrenAsync(root)).Children.Length);
    }

    /// <summary>
    /// A participant that gave up on its coordinator (silent past the in-doubt timeout before prepare) has dropped the
    /// draft of the steps it took; a later step of the same transaction must not start a new draft with the rest, or the
    /// commit would carry part of the multi.
    /// </summary>
    [Fact]
    public async Task TxStep_ContinuingATransactionItsZnodeLeft_IsRefused()
    {
        await using var client = await fixture.ConnectAsync();
        var root = await client.CreateAsync($"/multi-{Guid.NewGuid():N}", Text("x"));
        // Through a silo's own grain factory: the participant interface is internal to the grid (ADR 013).
        var silo = fixture.Cluster.Silos.OfType<InProcessSiloHandle>().First().SiloHost!.Services;
        var participant = silo.GetRequiredService<IGrainFactory>().GetGrain<Grains.ZNodes.IZNodeParticipantGrain>(root);
        var tx = Guid.NewGuid();
        await participant.TxStep(tx, new Grains.ZNodes.CheckStep(0));

        // The participant holds the znode's gate: this write goes through once it has given up on the transaction.
        await client.SetDataAsync(root, Text("y"), 0);

        await Assert.ThrowsAsync<RetryableConflictException>(() => participant.TxStep(tx, new Grains.ZNodes.CheckStep(1) { Continues = true }));
        await Assert.ThrowsAsync<RetryableConflictException>(() => participant.TxPrepare(tx));
        Assert.Equal(1, (await client.ExistsAsync(root))!.Version);
    }

    [Fact]
    public async Task Multi_BadInput_RejectedBeforeAnything()
    {
        await using var client = await fixture.ConnectAsync();
        var empty = await Assert.ThrowsAsync<CoordException>(() => client.MultiAsync([]));
        Assert.Equal(CoordErrorCode.BadArguments, empty.Code);
        var badPath = await Assert.ThrowsAsync<CoordException>(() => client.MultiAsync([new CreateOp("nope", [])]));
        Assert.Equal(CoordErrorCode.BadArguments, badPath.Code);
        var tooBig = await Assert.ThrowsAsync<CoordException>(() => client.MultiAsync([
            new CreateOp("/a1", new byte[600_000]), new CreateOp("/a2", new byte[600_000])]));
        Assert.Equal(CoordErrorCode.BadArguments, tooBig.Code);
        Assert.Null(await client.ExistsAsync("/a1"));
    }
}

public sealed class MultiTestsOnMemory(ClusterFixture fixture) : MultiTests(fixture), IClassFixture<ClusterFixture>;

public sealed class MultiTestsOnAzurite(AzuriteClusterFixture fixture) : MultiTests(fixture), IClassFixture<AzuriteClusterFixture>;

public sealed class MultiTestsOnPostgres(PostgresClusterFixture fixture) : MultiTests(fixture), IClassFixture<PostgresClusterFixture>;
