using System.Text;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

/// <summary>
/// A multi's bound is its store's (ADR 012): 1,000 ops, as ZooKeeper takes them, are one transaction on PostgreSQL;
/// on Azure Table (and the memory store, which keeps Azure's bounds) a commit is one entity-group transaction, and
/// such a multi is refused whole with BadArguments.
/// </summary>
public sealed class LargeMultiTestsOnPostgres(PostgresClusterFixture fixture) : IClassFixture<PostgresClusterFixture>
{
    private const int Ops = 1_000;

    [Fact]
    public async Task Multi_OfAThousandCreates_AppliesAtomically()
    {
        await using var client = await fixture.ConnectAsync();
        var root = await client.CreateAsync($"/large-{Guid.NewGuid():N}");

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var results = await client.MultiAsync(LargeMulti.Creates(root, Ops));
        TestContext.Current.TestOutputHelper?.WriteLine($"multi of {Ops} creates: {watch.ElapsedMilliseconds} ms");

        Assert.All(results, r => Assert.Equal(CoordErrorCode.Ok, r.Code));
        Assert.Equal(Enumerable.Range(0, Ops).Select(i => LargeMulti.Name(i)), (await client.GetChildrenAsync(root)).Children.Order(StringComparer.Ordinal));
        // One revision for all ops, like ZooKeeper's one zxid.
        Assert.Single(results.Select(r => r.Stat?.Czxid).Distinct());
        Assert.Equal($"v{Ops - 1}", Encoding.UTF8.GetString((await client.GetDataAsync($"{root}/{LargeMulti.Name(Ops - 1)}")).Data));
    }

    [Fact]
    public async Task Multi_OfAThousandWithOneFailingOp_AppliesNothing()
    {
        await using var client = await fixture.ConnectAsync();
        var root = await client.CreateAsync($"/large-{Guid.NewGuid():N}");
        await client.CreateAsync($"{root}/{LargeMulti.Name(Ops - 1)}", Encoding.UTF8.GetBytes("first"));

        // The last create finds its node there: the 999 creates before it are not applied.
        var results = await client.MultiAsync(LargeMulti.Creates(root, Ops));

        Assert.Equal([.. Enumerable.Repeat(CoordErrorCode.Ok, Ops - 1), CoordErrorCode.NodeExists], results.Select(r => r.Code));
        Assert.Equal([LargeMulti.Name(Ops - 1)], (await client.GetChildrenAsync(root)).Children);
        Assert.Equal("first", Encoding.UTF8.GetString((await client.GetDataAsync($"{root}/{LargeMulti.Name(Ops - 1)}")).Data));
    }

    [Fact]
    public async Task Multi_OverTheStoresBound_BadArguments_NothingApplied()
    {
        await using var client = await fixture.ConnectAsync();
        var root = await client.CreateAsync($"/large-{Guid.NewGuid():N}");
        var refused = await Assert.ThrowsAsync<CoordException>(() => client.MultiAsync(LargeMulti.Creates(root, ZNodeLimits.MaxMultiOps + 1)));
        Assert.Equal(CoordErrorCode.BadArguments, refused.Code);
        Assert.Empty((await client.GetChildrenAsync(root)).Children);
    }
}

public sealed class LargeMultiTestsOnAzurite(AzuriteClusterFixture fixture) : IClassFixture<AzuriteClusterFixture>
{
    [Fact]
    public async Task Multi_OfAThousandCreates_BadArguments_NothingApplied() => await LargeMulti.RefusedOverAzureBoundAsync(fixture);
}

public sealed class LargeMultiTestsOnMemory(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Multi_OfAThousandCreates_BadArguments_NothingApplied() => await LargeMulti.RefusedOverAzureBoundAsync(fixture);
}

internal static class LargeMulti
{
    public static string Name(int i) => $"n-{i:D4}";

    public static ZNodeOp[] Creates(string root, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new CreateOp($"{root}/{Name(i)}", Encoding.UTF8.GetBytes($"v{i}")))];

    /// <summary>Azure Table's bound, 32 ops: 1,000 and 33 are refused whole (the grid checks it, not the SDK); 32 apply.</summary>
    public static async Task RefusedOverAzureBoundAsync(ClusterFixture fixture)
    {
        await using var client = await fixture.ConnectAsync();
        var root = await client.CreateAsync($"/large-{Guid.NewGuid():N}");

        var refused = await Assert.ThrowsAsync<CoordException>(() => client.MultiAsync(Creates(root, 1_000)));
        Assert.Equal(CoordErrorCode.BadArguments, refused.Code);
        Assert.Contains("at most 32 ops on Azure Table", refused.Message, StringComparison.Ordinal);
        Assert.Equal(CoordErrorCode.BadArguments, (await Assert.ThrowsAsync<CoordException>(() => client.MultiAsync(Creates(root, 33)))).Code);
        Assert.Empty((await client.GetChildrenAsync(root)).Children);

        Assert.All(await client.MultiAsync(Creates(root, 32)), r => Assert.Equal(CoordErrorCode.Ok, r.Code));
        Assert.Equal(32, (await client.GetChildrenAsync(root)).Children.Length);
    }
}
