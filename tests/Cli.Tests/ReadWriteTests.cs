using OrleansCoord.Cli.Tests.Infrastructure;
using static OrleansCoord.Cli.Tests.Infrastructure.CliAssert;

namespace OrleansCoord.Cli.Tests;

/// <summary>create / get / set / rm against a real silo, and the grid's errors as the CLI reports them.</summary>
[Collection(GridCollection.Name)]
public sealed class ReadWriteTests(SiloFixture grid)
{
    private readonly CoordProcess _coord = grid.Coord;

    [Fact]
    public async Task CreateGetSetRm_RoundTrip()
    {
        var path = UniquePath("rt");
        Assert.Equal([path], Ok(await _coord.RunAsync("create", path, "hello")).Lines);
        Assert.Equal(["hello"], Ok(await _coord.RunAsync("get", path)).Lines);

        Assert.Equal("", Ok(await _coord.RunAsync("set", path, "world", "-v", "0")).Stdout);
        var get = Ok(await _coord.RunAsync("get", "--stat", path));
        Assert.Equal("world", get.Lines[0]);
        Assert.Contains("dataVersion = 1", get.Lines);
        Assert.Contains("dataLength = 5", get.Lines);

        Ok(await _coord.RunAsync("rm", path, "-v", "1"));
        Fails(await _coord.RunAsync("get", path), 1, $"NoNode: {path}");
    }

    [Fact]
    public async Task Set_WrongVersion_ExitsOneWithBadVersion()
    {
        var path = UniquePath("x");
        Ok(await _coord.RunAsync("create", path, "v0"));
        Fails(await _coord.RunAsync("set", "-v", "5", path, "v1"), 1, $"BadVersion: {path} (expected 5, actual 0)");
        Assert.Equal(["v0"], Ok(await _coord.RunAsync("get", path)).Lines);
    }

    [Fact]
    public async Task Get_MissingNode_ExitsOneWithNoNode()
    {
        var path = UniquePath("missing");
        var result = await _coord.RunAsync("get", path);
        Fails(result, 1, $"NoNode: {path}");
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Rm_NodeWithChildren_ExitsOneWithNotEmpty()
    {
        var path = UniquePath("parent");
        Ok(await _coord.RunAsync("create", path));
        Ok(await _coord.RunAsync("create", path + "/child"));
        Fails(await _coord.RunAsync("rm", path), 1, $"NotEmpty: {path}");
        Ok(await _coord.RunAsync("exists", "-q", path));
    }

    [Fact]
    public async Task Create_Existing_ExitsOneWithNodeExists()
    {
        var path = UniquePath("twice");
        Ok(await _coord.RunAsync("create", path));
        Fails(await _coord.RunAsync("create", path), 1, $"NodeExists: {path}");
    }

    [Fact]
    public async Task DataDash_ReadsStdin()
    {
        var path = UniquePath("stdin");
        Ok(await _coord.RunAsync(["create", path, "-"], stdin: "from stdin"));
        Assert.Equal(["from stdin"], Ok(await _coord.RunAsync("get", path)).Lines);

        Ok(await _coord.RunAsync(["set", path, "-"], stdin: "line 1\nline 2"));
        Assert.Equal(["line 1", "line 2"], Ok(await _coord.RunAsync("get", path)).Lines);
    }

    [Fact]
    public async Task ServerFromEnvironment_IsUsedWithoutFlag()
    {
        var path = UniquePath("env");
        var coord = new CoordProcess(["--cluster-id", grid.ClusterId]);
        var result = await coord.RunAsync(["create", path], stdin: null, new Dictionary<string, string> { ["COORD_SERVER"] = grid.Server });
        Assert.Equal([path], Ok(result).Lines);
    }

    [Fact]
    public async Task Stat_PrintsTimesAsDates_TheSameInstantsAsJson()
    {
        var path = UniquePath("dated");
        Ok(await _coord.RunAsync("create", path, "x"));
        Ok(await _coord.RunAsync("set", path, "y"));
        var text = Ok(await _coord.RunAsync("stat", path)).Lines;
        using var json = System.Text.Json.JsonDocument.Parse(Ok(await _coord.RunAsync("--json", "stat", path)).Stdout);
        var stat = json.RootElement.GetProperty("stat");

        foreach (var field in new[] { "ctime", "mtime" })
        {
            var line = Assert.Single(text, l => l.StartsWith(field + " = ", StringComparison.Ordinal));
            var date = DateTimeOffset.ParseExact(line[(field.Length + 3)..], "yyyy-MM-dd HH:mm:ss.fff zzz", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(stat.GetProperty(field).GetInt64(), date.ToUnixTimeMilliseconds());
        }
    }
}
