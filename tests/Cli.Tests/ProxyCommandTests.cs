using OrleansCoord.Cli.Tests.Infrastructure;
using static OrleansCoord.Cli.Tests.Infrastructure.CliAssert;

namespace OrleansCoord.Cli.Tests;

/// <summary><c>coord proxy ...</c> against a real silo: what it writes, and that bad input writes nothing.</summary>
[Collection(GridCollection.Name)]
public sealed class ProxyCommandTests(SiloFixture grid)
{
    private readonly CoordProcess _coord = grid.Coord;

    [Fact]
    public async Task RouteAndClusterSet_ListedByLs_RouteRmRemovesIt()
    {
        var id = $"api-{Guid.NewGuid():N}";
        Ok(await _coord.RunAsync("proxy", "route", "set", id, "--path", "/api/{**rest}", "--cluster", id, "--host", "example.com"));
        Ok(await _coord.RunAsync("proxy", "cluster", "set", id, "--policy", "consistent-hash", "--hash-key", "header:X-User",
            "--health-path", "/healthz", "--health-interval", "2", "--max-fails", "3", "--fail-timeout", "5", "--retries", "1"));

        Assert.Equal(["{\"path\":\"/api/{**rest}\",\"cluster\":\"" + id + "\",\"hosts\":[\"example.com\"]}"],
            Ok(await _coord.RunAsync("get", $"/proxy/routes/{id}")).Lines);
        var lines = Ok(await _coord.RunAsync("proxy", "ls")).Lines;
        Assert.Contains($"route {id}: /api/{{**rest}} (hosts example.com) -> {id}", lines);
        Assert.Contains($"cluster {id}: consistent-hash on header:X-User, max-fails 3 in 5s, retries 1, probe /healthz every 2s", lines);

        Ok(await _coord.RunAsync("proxy", "route", "rm", id));
        Assert.DoesNotContain(Ok(await _coord.RunAsync("proxy", "ls")).Lines, line => line.StartsWith($"route {id}:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClusterSet_UnknownPolicy_UsageErrorAndNothingWritten()
    {
        var id = $"bad-{Guid.NewGuid():N}";
        Fails(await _coord.RunAsync("proxy", "cluster", "set", id, "--policy", "fastest", "--retries", "-1"), 2,
            $"BadArguments: /proxy/clusters/{id} (unknown policy 'fastest' (known: round-robin, weighted-round-robin, least-requests, " +
            "power-of-two, random, consistent-hash); retries must be 0-100, got -1)");
        FailsWith(await _coord.RunAsync("get", $"/proxy/clusters/{id}"), 1, "NoNode");
    }

    [Fact]
    public async Task RouteSet_BadJsonSpec_UsageErrorAndNothingWritten()
    {
        var id = $"bad-{Guid.NewGuid():N}";
        FailsWith(await _coord.RunAsync("proxy", "route", "set", id, "--spec", "{\"path\":\"/x\","), 2, $"BadArguments: /proxy/routes/{id} (not valid JSON:");
        FailsWith(await _coord.RunAsync("proxy", "route", "set", id, "--spec", "{\"path\":\"x\"}"), 2,
            $"BadArguments: /proxy/routes/{id} (path 'x' must start with '/'; cluster is missing)");
        FailsWith(await _coord.RunAsync("get", $"/proxy/routes/{id}"), 1, "NoNode");
    }

    [Fact]
    public async Task RouteSet_FromSpec_Written()
    {
        var id = $"spec-{Guid.NewGuid():N}";
        Ok(await _coord.RunAsync(["proxy", "route", "set", id, "--spec", "-"], stdin: "{\"path\":\"/s/{**rest}\",\"cluster\":\"s\"}"));
        Assert.Equal(["{\"path\":\"/s/{**rest}\",\"cluster\":\"s\"}"], Ok(await _coord.RunAsync("get", $"/proxy/routes/{id}")).Lines);
    }
}
