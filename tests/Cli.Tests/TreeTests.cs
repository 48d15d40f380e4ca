using OrleansCoord.Cli.Tests.Infrastructure;
using static OrleansCoord.Cli.Tests.Infrastructure.CliAssert;

namespace OrleansCoord.Cli.Tests;

/// <summary>Sequential and ephemeral creates, ls, ls -R and deleteall against a real silo.</summary>
[Collection(GridCollection.Name)]
public sealed class TreeTests(SiloFixture grid)
{
    private readonly CoordProcess _coord = grid.Coord;

    [Fact]
    public async Task CreateSequential_PrintsNumberedPaths()
    {
        var queue = UniquePath("q");
        Ok(await _coord.RunAsync("create", queue));
        Assert.Equal([$"{queue}/item-0000000000"], Ok(await _coord.RunAsync("create", "-s", $"{queue}/item-", "a")).Lines);
        Assert.Equal([$"{queue}/item-0000000001"], Ok(await _coord.RunAsync("create", "-s", $"{queue}/item-", "b")).Lines);
    }

    [Theory]
    [InlineData("PersistentWithTtl", "--ttl", "600000")]
    [InlineData("PersistentSequentialWithTtl", "-s", "--ttl", "600000")]
    [InlineData("Container", "--container")]
    [InlineData("EphemeralSequential", "-e", "-s")]
    public async Task CreateFlags_PickTheCreateMode(string mode, params string[] flags)
    {
        var parent = UniquePath("modes");
        Ok(await _coord.RunAsync("create", parent));
        var result = Ok(await _coord.RunAsync(["--json", "create", .. flags, $"{parent}/n"], stdin: null));
        using var json = System.Text.Json.JsonDocument.Parse(result.Stdout);
        Assert.Equal(mode, json.RootElement.GetProperty("mode").GetString());
        Assert.StartsWith($"{parent}/n", json.RootElement.GetProperty("path").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateEphemeral_IsGoneOnceTheProcessExits()
    {
        var path = UniquePath("eph");
        Assert.Equal([path], Ok(await _coord.RunAsync("create", "-e", path)).Lines);
        Fails(await _coord.RunAsync("exists", path), 1, $"NoNode: {path}");
    }

    [Fact]
    public async Task Exists_ExistingNode_PrintsStatAndExitsZero()
    {
        var path = UniquePath("there");
        Ok(await _coord.RunAsync("create", path, "abc"));
        var exists = Ok(await _coord.RunAsync("exists", path));
        Assert.Contains("dataLength = 3", exists.Lines);
        Assert.Contains("ephemeralOwner = 0x0", exists.Lines);
        Assert.Equal(exists.Lines.Length, Ok(await _coord.RunAsync("stat", path)).Lines.Length);
    }

    [Fact]
    public async Task Ls_PrintsNamesAndRecursiveFullPaths()
    {
        var root = UniquePath("tree");
        foreach (var path in new[] { root, $"{root}/b", $"{root}/a", $"{root}/a/x", $"{root}/a/x/deep" })
        {
            Ok(await _coord.RunAsync("create", path));
        }

        Assert.Equal(["a", "b"], Ok(await _coord.RunAsync("ls", root)).Lines);
        Assert.Equal("", Ok(await _coord.RunAsync("ls", $"{root}/b")).Stdout);
        Assert.Equal(
            [root, $"{root}/a", $"{root}/b", $"{root}/a/x", $"{root}/a/x/deep"],
            Ok(await _coord.RunAsync("ls", "-R", root)).Lines);
    }

    [Fact]
    public async Task DeleteAll_RemovesTheWholeSubtree()
    {
        var root = UniquePath("doomed");
        foreach (var path in new[] { root, $"{root}/a", $"{root}/a/b", $"{root}/c" })
        {
            Ok(await _coord.RunAsync("create", path));
        }

        Ok(await _coord.RunAsync("deleteall", root));
        Fails(await _coord.RunAsync("exists", root), 1, $"NoNode: {root}");
        Fails(await _coord.RunAsync("deleteall", root), 1, $"NoNode: {root}");
    }
}
