using System.Text;
using OrleansCoord.Client.Services;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Grains.Tests.Support;

namespace OrleansCoord.Grains.Tests.Recipes;

public sealed class ServiceRegistryTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Register_List_Deregister()
    {
        await using var client = await fixture.ConnectAsync();
        var service = $"svc-{Guid.NewGuid():N}";
        Assert.Empty(await client.Services.ListAsync(service));

        var path = await client.Services.RegisterAsync(service, "a", new ServiceInstance("http://127.0.0.1:5001", 3, new Dictionary<string, string> { ["zone"] = "x" }));
        await client.Services.RegisterAsync(service, "b", new ServiceInstance("http://127.0.0.1:5002"));

        Assert.Equal($"/services/{service}/a", path);
        var listed = await client.Services.ListAsync(service);
        Assert.Equal(["a", "b"], listed.Select(e => e.Id));
        Assert.Equal(("http://127.0.0.1:5001", 3, "x"), (listed[0].Instance.Address, listed[0].Instance.Weight, listed[0].Instance.Metadata["zone"]));
        Assert.Equal((1, 0), (listed[1].Instance.Weight, listed[1].Instance.Metadata.Count));

        await client.Services.DeregisterAsync(service, "a");
        await client.Services.DeregisterAsync(service, "a");
        Assert.Equal(["b"], (await client.Services.ListAsync(service)).Select(e => e.Id));
    }

    [Fact]
    public async Task Register_StoresTheProxysJsonShape_AsAnEphemeralOfTheSession()
    {
        await using var client = await fixture.ConnectAsync();
        var service = $"json-{Guid.NewGuid():N}";
        var path = await client.Services.RegisterAsync(service, "i1", new ServiceInstance("http://127.0.0.1:5001", Metadata: new Dictionary<string, string> { ["k"] = "v" }));
        await client.Services.RegisterAsync(service, "i2", new ServiceInstance("http://127.0.0.1:5002"));

        var node = await client.GetDataAsync(path);
        Assert.Equal("""{"address":"http://127.0.0.1:5001","weight":1,"metadata":{"k":"v"}}""", Encoding.UTF8.GetString(node.Data));
        Assert.Equal(client.SessionId, node.Stat.EphemeralOwner);
        Assert.Equal("""{"address":"http://127.0.0.1:5002","weight":1,"metadata":{}}""",
            Encoding.UTF8.GetString((await client.GetDataAsync($"/services/{service}/i2")).Data));
        Assert.Equal(0, (await client.ExistsAsync($"/services/{service}"))!.EphemeralOwner);
    }

    [Fact]
    public async Task Instance_DisappearsWhenItsSessionIsAbandonedOrClosed()
    {
        await using var observer = await fixture.ConnectAsync();
        var service = $"gone-{Guid.NewGuid():N}";
        var crashed = await fixture.ConnectAsync(TimeSpan.FromSeconds(2));
        var closed = await fixture.ConnectAsync();
        await crashed.Services.RegisterAsync(service, "crashed", new ServiceInstance("http://127.0.0.1:6001"));
        await closed.Services.RegisterAsync(service, "closed", new ServiceInstance("http://127.0.0.1:6002"));
        Assert.Equal(2, (await observer.Services.ListAsync(service)).Count);

        await closed.CloseAsync();
        Assert.Equal(["crashed"], (await observer.Services.ListAsync(service)).Select(e => e.Id));

        await crashed.AbandonAsync();
        await Poll.UntilAsync(async () => (await observer.Services.ListAsync(service)).Count == 0,
            TimeSpan.FromSeconds(15), "expiry of the abandoned instance");
    }

    [Fact]
    public async Task Register_IdHeldByAnotherSession_NodeExists_OwnIdIsUpdated()
    {
        await using var first = await fixture.ConnectAsync();
        await using var second = await fixture.ConnectAsync();
        var service = $"dup-{Guid.NewGuid():N}";
        await first.Services.RegisterAsync(service, "x", new ServiceInstance("http://127.0.0.1:7001"));

        var taken = await Assert.ThrowsAsync<CoordException>(() => second.Services.RegisterAsync(service, "x", new ServiceInstance("http://127.0.0.1:7002")));
        Assert.Equal(CoordErrorCode.NodeExists, taken.Code);

        await first.Services.RegisterAsync(service, "x", new ServiceInstance("http://127.0.0.1:7001", 5));
        Assert.Equal(5, (await second.Services.ListAsync(service)).Single().Instance.Weight);
    }

    [Fact]
    public async Task Watch_YieldsTheSetAfterEveryChange()
    {
        await using var watcher = await fixture.ConnectAsync();
        await using var member = await fixture.ConnectAsync();
        var service = $"watch-{Guid.NewGuid():N}";
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var sets = watcher.Services.WatchAsync(service, stop.Token).GetAsyncEnumerator(stop.Token);

        Assert.True(await sets.MoveNextAsync());
        Assert.Empty(sets.Current);

        await member.Services.RegisterAsync(service, "a", new ServiceInstance("http://127.0.0.1:8001"));
        await NextUntil(sets, set => set.Select(e => e.Id).SequenceEqual(["a"]));

        await member.Services.RegisterAsync(service, "a", new ServiceInstance("http://127.0.0.1:8001", 7));
        await NextUntil(sets, set => set is [{ Instance.Weight: 7 }]);

        await member.Services.RegisterAsync(service, "b", new ServiceInstance("http://127.0.0.1:8002"));
        await NextUntil(sets, set => set.Count == 2);

        await member.Services.DeregisterAsync(service, "a");
        await NextUntil(sets, set => set.Select(e => e.Id).SequenceEqual(["b"]));
    }

    [Fact]
    public async Task BadInput_TypedError_NothingRegistered()
    {
        await using var client = await fixture.ConnectAsync();
        var service = $"bad-{Guid.NewGuid():N}";
        var good = new ServiceInstance("http://127.0.0.1:9001");
        var attempts = new Func<Task>[]
        {
            () => client.Services.RegisterAsync("", "a", good),
            () => client.Services.RegisterAsync(service, "", good),
            () => client.Services.RegisterAsync(service, "a/b", good),
            () => client.Services.RegisterAsync(service, "a", new ServiceInstance("not a url")),
            () => client.Services.RegisterAsync(service, "a", new ServiceInstance("ftp://127.0.0.1/")),
            () => client.Services.RegisterAsync(service, "a", good with { Weight = 0 }),
            () => client.Services.ListAsync(""),
        };
        foreach (var attempt in attempts)
        {
            Assert.Equal(CoordErrorCode.BadArguments, (await Assert.ThrowsAsync<CoordException>(attempt)).Code);
        }

        Assert.Null(await client.ExistsAsync($"/services/{service}"));
    }

    /// <summary>Reads sets until one matches; sets in between may be coalesced or intermediate.</summary>
    private static async Task NextUntil(IAsyncEnumerator<IReadOnlyList<ServiceInstanceEntry>> sets, Func<IReadOnlyList<ServiceInstanceEntry>, bool> matches)
    {
        for (var i = 0; i < 10; i++)
        {
            Assert.True(await sets.MoveNextAsync());
            if (matches(sets.Current)) return;
        }

        Assert.Fail("the expected instance set never came");
    }
}
