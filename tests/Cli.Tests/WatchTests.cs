using OrleansCoord.Cli.Tests.Infrastructure;
using static OrleansCoord.Cli.Tests.Infrastructure.CliAssert;

namespace OrleansCoord.Cli.Tests;

/// <summary><c>watch</c> and <c>get -w</c> against a real silo.</summary>
[Collection(GridCollection.Name)]
public sealed class WatchTests(SiloFixture grid)
{
    private readonly CoordProcess _coord = grid.Coord;

    [Fact]
    public async Task Watch_PrintsOneLinePerEvent_StopsAfterCount()
    {
        var path = UniquePath("watched");
        Ok(await _coord.RunAsync("create", path, "v0"));
        var watching = _coord.RunAsync("watch", path, "--count", "2");

        // The watcher subscribes a moment after it starts: keep changing the node until it has seen two changes.
        for (var i = 1; i <= 20 && !watching.IsCompleted; i++) Ok(await _coord.RunAsync("set", path, "v" + i));
        var result = Ok(await watching);

        Assert.Equal(2, result.Lines.Length);
        var revisions = result.Lines.Select(line =>
        {
            var parts = line.Split(' ');
            Assert.Equal("NodeDataChanged", parts[0]);
            Assert.Equal(path, parts[1]);
            return long.Parse(parts[2]);
        }).ToList();
        Assert.True(revisions[1] > revisions[0]);
    }

    [Fact]
    public async Task WatchRecursive_PrintsChangesBelowThePath()
    {
        var root = UniquePath("subtree");
        Ok(await _coord.RunAsync("create", root));
        Ok(await _coord.RunAsync("create", root + "/child"));
        var watching = _coord.RunAsync("watch", "-R", root, "--count", "1");

        // A change two levels down; repeated until the watcher, subscribing a moment after it starts, has seen one.
        for (var i = 0; i < 20 && !watching.IsCompleted; i++)
        {
            Ok(await _coord.RunAsync("create", $"{root}/child/grandchild-{i}"));
        }

        var result = Ok(await watching);
        // A connection wobble on a loaded machine may put a session event or a resync marker first: printed, not counted.
        var changes = result.Lines.Where(line => !line.StartsWith("None ", StringComparison.Ordinal)).ToArray();
        var line = Assert.Single(changes);
        Assert.Matches($"^NodeCreated {root}/child/grandchild-[0-9]+ [0-9]+$", line);
        Assert.Equal(line, result.Lines[^1]);
    }

    [Fact]
    public async Task GetWithWatch_PrintsDataThenTheNextChange()
    {
        var path = UniquePath("getw");
        Ok(await _coord.RunAsync("create", path, "first"));
        var waiting = _coord.RunAsync("get", "-w", path);
        for (var i = 0; i < 20 && !waiting.IsCompleted; i++) Ok(await _coord.RunAsync("set", path, "next" + i));
        var result = Ok(await waiting);

        // The data it read (the sets may have begun before it started), then a change after that read.
        Assert.Matches("^(first|next[0-9]+)$", result.Lines[0]);
        Assert.StartsWith($"NodeDataChanged {path} ", result.Lines[1]);
        Assert.Equal(2, result.Lines.Length);
    }

    [Fact]
    public async Task Watch_SaysWhenItIsInPlace_AndSeesTheChangeMadeAfterThat()
    {
        var path = UniquePath("inplace");
        Ok(await _coord.RunAsync("create", path, "v0"));
        await using var watcher = BackgroundCoord.Start(grid, "watch", path, "--count", "1");
        await watcher.WaitForLineAsync($"stderr: watching {path}", TimeSpan.FromSeconds(60));

        // One change, made once the line is out, is enough: the watch is in place by then.
        Ok(await _coord.RunAsync("set", path, "v1"));
        await watcher.WaitForLineStartingAsync($"NodeDataChanged {path} ", TimeSpan.FromSeconds(60));
        Assert.Equal(0, await watcher.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task Watch_BadCount_IsAUsageError()
    {
        FailsWith(await _coord.RunAsync("watch", UniquePath("w"), "--count", "0"), 2, "BadArguments");
    }
}
