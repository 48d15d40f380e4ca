using static OrleansCoord.Silo.Tests.ZooKeeper.RawZkConnection;
using static OrleansCoord.Silo.Tests.ZooKeeper.ZkRequests;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>multi, multiRead and the extended create types at the byte level.</summary>
[Collection(nameof(ZkSiloCollection))]
public sealed class ZkMultiTests(ZkSiloFixture grid)
{
    [Fact]
    public async Task Multi_AllOrNothing_WithZooKeepersPerOpResults()
    {
        var root = $"/multi-{Guid.NewGuid():N}";
        await using var zk = await ConnectAsync(grid.ZkPort);
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Create, Create(root, "v0"))).Err);

        var ok = await zk.CallAsync(Op.Multi, Multi(
            (Op.Create, Create($"{root}/a", "a")), (Op.Create2, Create($"{root}/b", "b")),
            (Op.SetData, SetData(root, "v1", 0)), (Op.Check, Delete(root, 1)), (Op.Delete, Delete($"{root}/a"))));
        Assert.Equal(Err.Ok, ok.Err);
        Assert.Equal((Op.Create, 0), Header(ok.Body));
        Assert.Equal($"{root}/a", ok.Body.String());
        Assert.Equal((Op.Create2, 0), Header(ok.Body));
        Assert.Equal($"{root}/b", ok.Body.String());
        Assert.Equal(0, ok.Body.Stat().Version);
        Assert.Equal((Op.SetData, 0), Header(ok.Body));
        Assert.Equal(1, ok.Body.Stat().Version);
        Assert.Equal((Op.Check, 0), Header(ok.Body));
        Assert.Equal((Op.Delete, 0), Header(ok.Body));
        Assert.Equal((-1, -1), Header(ok.Body, done: true));

        // The check fails: nothing applied; Ok before it, its error, RuntimeInconsistency after, all as error results.
        var failed = await zk.CallAsync(Op.Multi, Multi(
            (Op.Create, Create($"{root}/c")), (Op.Check, Delete(root, 7)), (Op.Delete, Delete($"{root}/b"))));
        Assert.Equal(Err.Ok, failed.Err);
        foreach (var expected in new[] { Err.Ok, Err.BadVersion, Err.RuntimeInconsistency })
        {
            Assert.Equal((-1, expected), Header(failed.Body));
            Assert.Equal(expected, failed.Body.Int());
        }

        Assert.Equal(Err.NoNode, (await zk.CallAsync(Op.Exists, PathWatch($"{root}/c"))).Err);
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Exists, PathWatch($"{root}/b"))).Err);

        // multiRead answers each read on its own.
        var reads = await zk.CallAsync(Op.MultiRead, Multi((Op.GetData, PathWatch($"{root}/b")), (Op.GetChildren, PathWatch(root)),
            (Op.GetData, PathWatch($"{root}/gone"))));
        Assert.Equal((Op.GetData, 0), Header(reads.Body));
        Assert.Equal("b", Text(reads.Body.Buffer()));
        reads.Body.Stat();
        Assert.Equal((Op.GetChildren, 0), Header(reads.Body));
        Assert.Equal(["b"], reads.Body.Strings());
        Assert.Equal((-1, Err.NoNode), Header(reads.Body));
    }

    [Fact]
    public async Task NullData_FromCreateSetAndMulti_ReadsBackAsANullBuffer_EmptyStaysEmpty()
    {
        var root = $"/null-data-{Guid.NewGuid():N}";
        await using var zk = await ConnectAsync(grid.ZkPort);
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Create, Create(root))).Err);
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Create, CreateNull($"{root}/created"))).Err);
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Create, Create($"{root}/set", "x"))).Err);
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.SetData, SetNull($"{root}/set"))).Err);
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Create, Create($"{root}/empty", ""))).Err);
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Multi, Multi((Op.Create, CreateNull($"{root}/multi-created")),
            (Op.Create, Create($"{root}/multi-set", "y")), (Op.SetData, SetNull($"{root}/multi-set"))))).Err);

        foreach (var name in new[] { "created", "set", "multi-created", "multi-set" })
        {
            var read = await zk.CallAsync(Op.GetData, PathWatch($"{root}/{name}"));
            Assert.Equal(Err.Ok, read.Err);
            Assert.Null(read.Body.Buffer());
            Assert.Equal(0, read.Body.Stat().DataLength);
        }

        var empty = await zk.CallAsync(Op.GetData, PathWatch($"{root}/empty"));
        Assert.Equal(new byte[0], empty.Body.Buffer()!);

        var reads = await zk.CallAsync(Op.MultiRead, Multi((Op.GetData, PathWatch($"{root}/created")), (Op.GetData, PathWatch($"{root}/empty"))));
        Assert.Equal((Op.GetData, 0), Header(reads.Body));
        Assert.Null(reads.Body.Buffer());
        reads.Body.Stat();
        Assert.Equal((Op.GetData, 0), Header(reads.Body));
        Assert.Equal(new byte[0], reads.Body.Buffer()!);
    }

    [Fact]
    public async Task ContainerAndTtlCreates_NeedTheirOwnRequestTypes()
    {
        var root = $"/extended-{Guid.NewGuid():N}";
        await using var zk = await ConnectAsync(grid.ZkPort);
        var container = await zk.CallAsync(Op.CreateContainer, Create(root, "", flags: 4));
        Assert.Equal(Err.Ok, container.Err);
        Assert.Equal(root, container.Body.String());

        var ttl = await zk.CallAsync(Op.CreateTtl, Create($"{root}/ttl", "t", flags: 5).Long(60_000));
        Assert.Equal(Err.Ok, ttl.Err);
        Assert.Equal($"{root}/ttl", ttl.Body.String());

        Assert.Equal(Err.BadArguments, (await zk.CallAsync(Op.CreateTtl, Create($"{root}/x", "", flags: 0).Long(60_000))).Err);
        Assert.Equal(Err.BadArguments, (await zk.CallAsync(Op.CreateTtl, Create($"{root}/x", "", flags: 5).Long(0))).Err);
        Assert.Equal(Err.BadArguments, (await zk.CallAsync(Op.Create, Create($"{root}/x", "", flags: 5))).Err);
        Assert.Equal(Err.BadArguments, (await zk.CallAsync(Op.CreateContainer, Create($"{root}/x", "", flags: 0))).Err);
        Assert.Equal(Err.BadArguments, (await zk.CallAsync(Op.Create, Create($"{root}/x", "", flags: 42))).Err);
    }

    /// <summary>One result header of a multi reply (type, done flag, err), the done flag checked.</summary>
    internal static (int Type, int Err) Header(Reader reader, bool done = false)
    {
        var type = reader.Int();
        var isDone = reader.Byte() != 0;
        var err = reader.Int();
        Assert.Equal(done, isDone);
        return (type, err);
    }
}
