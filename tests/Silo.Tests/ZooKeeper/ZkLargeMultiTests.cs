using static OrleansCoord.Silo.Tests.ZooKeeper.RawZkConnection;
using static OrleansCoord.Silo.Tests.ZooKeeper.ZkRequests;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>
/// A multi of 1,000 ops through the ZooKeeper port, as ZooKeeper takes it (its only bound is the 1 MiB request): one
/// transaction on the Postgres profile; refused whole with BadArguments on the AzureStorage profile, whose commit is
/// one Azure Table transaction of 32 ops at most (ADR 012).
/// </summary>
public sealed class ZkLargeMultiTests(AzuriteFixture azurite)
{
    private const int Ops = 1_000;

    [Fact]
    public async Task Postgres_MultiOfAThousandCreates_AppliesAtomically_AndAFailingOpAppliesNothing()
    {
        await using var postgres = await TestPostgres.StartAsync();
        await using var silo = await SiloProcess.StartHealthyAsync("zk-big-multi-pg", "--storage", "Postgres",
            "--connection-string", postgres.ConnectionString, "--dashboard", "off");
        await using var zk = await ConnectAsync(silo.Ports.ZooKeeper);
        const string Root = "/big-multi";
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Create, Create(Root))).Err);

        // A check with a wrong version in the middle: Ok before it, its error, RuntimeInconsistency after, nothing applied.
        var failing = Creates(Root, Ops).ToArray();
        failing[Ops / 2] = (Op.Check, Delete(Root, 7));
        var failed = await zk.CallAsync(Op.Multi, Multi(failing));
        Assert.Equal(Err.Ok, failed.Err);
        for (var i = 0; i < Ops; i++)
        {
            var expected = i < Ops / 2 ? Err.Ok : i == Ops / 2 ? Err.BadVersion : Err.RuntimeInconsistency;
            Assert.Equal((-1, expected), ZkMultiTests.Header(failed.Body));
            Assert.Equal(expected, failed.Body.Int());
        }

        Assert.Empty(await ChildrenAsync(zk, Root));

        var applied = await zk.CallAsync(Op.Multi, Multi(Creates(Root, Ops)));
        Assert.Equal(Err.Ok, applied.Err);
        for (var i = 0; i < Ops; i++)
        {
            Assert.Equal((Op.Create, 0), ZkMultiTests.Header(applied.Body));
            Assert.Equal($"{Root}/n-{i:D4}", applied.Body.String());
        }

        Assert.Equal((-1, -1), ZkMultiTests.Header(applied.Body, done: true));
        Assert.Equal(Enumerable.Range(0, Ops).Select(i => $"n-{i:D4}"), (await ChildrenAsync(zk, Root)).Order(StringComparer.Ordinal));
        var last = await zk.CallAsync(Op.GetData, PathWatch($"{Root}/n-{Ops - 1:D4}"));
        Assert.Equal($"v{Ops - 1}", Text(last.Body.Buffer()));
    }

    [Fact]
    public async Task AzureStorage_MultiOfAThousand_BadArguments_NothingApplied_ThirtyTwoStillApply()
    {
        var clusterId = $"{azurite.RunId}-bigmulti";
        var root = $"/{azurite.RunId}-bigmulti";
        await using var silo = await SiloProcess.StartHealthyAsync(clusterId, "--dashboard", "off");
        await using var zk = await ConnectAsync(silo.Ports.ZooKeeper);
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Create, Create(root))).Err);

        Assert.Equal(Err.BadArguments, (await zk.CallAsync(Op.Multi, Multi(Creates(root, Ops)))).Err);
        Assert.Equal(Err.BadArguments, (await zk.CallAsync(Op.Multi, Multi(Creates(root, 33)))).Err);
        Assert.Empty(await ChildrenAsync(zk, root));

        // The connection stays usable, and the store's bound still takes a multi of 32.
        var applied = await zk.CallAsync(Op.Multi, Multi(Creates(root, 32)));
        Assert.Equal(Err.Ok, applied.Err);
        Assert.Equal(32, (await ChildrenAsync(zk, root)).Count);
    }

    private static (int, Packet)[] Creates(string root, int count) =>
        [.. Enumerable.Range(0, count).Select(i => (Op.Create, Create($"{root}/n-{i:D4}", $"v{i}")))];

    private static async Task<List<string>> ChildrenAsync(RawZkConnection zk, string path)
    {
        var reply = await zk.CallAsync(Op.GetChildren, PathWatch(path));
        Assert.Equal(Err.Ok, reply.Err);
        return reply.Body.Strings();
    }
}
