using System.Text.Json;
using OrleansCoord.Cli.Tests.Infrastructure;
using static OrleansCoord.Cli.Tests.Infrastructure.CliAssert;

namespace OrleansCoord.Cli.Tests;

/// <summary><c>--json</c>: each command prints one JSON object with the documented fields.</summary>
[Collection(GridCollection.Name)]
public sealed class JsonOutputTests(SiloFixture grid)
{
    private readonly CoordProcess _coord = grid.Coord;

    [Fact]
    public async Task Json_CreateGetSetLsExists_HaveTheirFields()
    {
        var path = UniquePath("json");

        using var created = Parse(Ok(await _coord.RunAsync("--json", "create", path, "héllo")));
        Assert.Equal(path, created.RootElement.GetProperty("path").GetString());
        Assert.Equal(0, created.RootElement.GetProperty("stat").GetProperty("version").GetInt32());

        using var got = Parse(Ok(await _coord.RunAsync("get", path, "--json")));
        Assert.Equal(path, got.RootElement.GetProperty("path").GetString());
        Assert.Equal("héllo", got.RootElement.GetProperty("data").GetString());
        Assert.Equal(6, got.RootElement.GetProperty("stat").GetProperty("dataLength").GetInt32());
        Assert.Equal(0, got.RootElement.GetProperty("stat").GetProperty("ephemeralOwner").GetInt64());

        using var set = Parse(Ok(await _coord.RunAsync("--json", "set", path, "x")));
        Assert.Equal(1, set.RootElement.GetProperty("stat").GetProperty("version").GetInt32());

        Ok(await _coord.RunAsync("create", $"{path}/child"));
        using var listed = Parse(Ok(await _coord.RunAsync("--json", "ls", path)));
        Assert.Equal(["child"], listed.RootElement.GetProperty("children").EnumerateArray().Select(e => e.GetString()));

        using var exists = Parse(Ok(await _coord.RunAsync("--json", "exists", path)));
        Assert.True(exists.RootElement.GetProperty("exists").GetBoolean());
        Assert.Equal(1, exists.RootElement.GetProperty("stat").GetProperty("numChildren").GetInt32());
    }

    [Fact]
    public async Task Json_MissingNode_StdoutStillParsesAndErrorGoesToStderr()
    {
        var path = UniquePath("nojson");
        var result = await _coord.RunAsync("--json", "exists", path);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"NoNode: {path}", result.Error);
        using var json = Parse(result);
        Assert.False(json.RootElement.GetProperty("exists").GetBoolean());
    }

    private static JsonDocument Parse(CliResult result)
    {
        Assert.Single(result.Lines);
        return JsonDocument.Parse(result.Stdout);
    }
}
