using OrleansCoord.Cli.Tests.Infrastructure;
using static OrleansCoord.Cli.Tests.Infrastructure.CliAssert;

namespace OrleansCoord.Cli.Tests;

/// <summary><c>lock</c> and <c>elect</c> against a real silo, with real commands run under them.</summary>
[Collection(GridCollection.Name)]
public sealed class LockRecipeTests(SiloFixture grid)
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(45);
    private readonly CoordProcess _coord = grid.Coord;

    [Fact]
    public async Task Lock_RunsCommandWithFencingToken_ExitsWithItsCode()
    {
        var name = Name("run");
        var first = await _coord.RunAsync("lock", name, "--", "sh", "-c", "echo \"$COORD_LOCK $COORD_FENCING_TOKEN\"; exit 7");
        Assert.True(first.ExitCode == 7, first.ToString());
        Assert.Equal($"{name} 1", first.Lines.Single());

        var second = Ok(await _coord.RunAsync("lock", name, "--", "sh", "-c", "echo $COORD_FENCING_TOKEN"));
        Assert.Equal("2", second.Lines.Single());
    }

    [Fact]
    public async Task Lock_HeldElsewhere_TimesOut_ThenHolderKilled_NextAcquires()
    {
        var name = Name("held");
        await using var holder = BackgroundCoord.Start(grid, "--session-timeout", "5", "lock", name, "--", "sh", "-c", "echo holding; sleep 60");
        await holder.WaitForLineAsync("holding", Start);

        var refused = await _coord.RunAsync("lock", name, "--timeout", "1", "--", "echo", "never");
        FailsWith(refused, 1, $"OperationTimeout: {name} (not acquired within 1 s)");
        Assert.Empty(refused.Stdout);

        // A crash: no close, so the lock goes when the holder's session expires (5 s: short, yet long enough that a
        // loaded machine does not expire it while it is held).
        await holder.KillAsync();
        var next = Ok(await _coord.RunAsync("lock", name, "--timeout", "30", "--", "echo", "got it"));
        Assert.Equal("got it", next.Lines.Single());
    }

    [Fact]
    public async Task Elect_LeaderRunsCommand_ObserverSeesIt_NextLeadsAfterLeaderKilled()
    {
        var name = Name("elect");
        await using var leader = BackgroundCoord.Start(grid, "--session-timeout", "5", "elect", name, "alpha", "--", "sh", "-c", "echo \"leading $COORD_TERM\"; sleep 60");
        await leader.WaitForLineAsync("leading 1", Start);

        var observed = Ok(await _coord.RunAsync("elect", name, "--observe", "--count", "1"));
        Assert.Equal("alpha 1", observed.Lines.Single());

        await leader.KillAsync();
        var next = await _coord.RunAsync("elect", name, "beta", "--timeout", "30", "--", "sh", "-c", "echo \"leading $COORD_TERM\"; exit 3");
        Assert.True(next.ExitCode == 3, next.ToString());
        Assert.Equal("leading 2", next.Lines.Single());
        Assert.Equal("- 2", Ok(await _coord.RunAsync("elect", name, "--observe", "--count", "1")).Lines.Single());
    }

    [Fact]
    public async Task BadUsage_IsAUsageError()
    {
        FailsWith(await _coord.RunAsync("lock", Name("u")), 2, "BadArguments");
        FailsWith(await _coord.RunAsync("lock", "", "--", "true"), 2, "BadArguments");
        FailsWith(await _coord.RunAsync("elect", Name("u"), "--observe", "--count", "0"), 2, "BadArguments");
        FailsWith(await _coord.RunAsync("elect", Name("u"), "id"), 2, "BadArguments");
        FailsWith(await _coord.RunAsync("lock", Name("u"), "--timeout", "-1", "--", "true"), 2, "BadArguments");
        FailsWith(await _coord.RunAsync("lock", Name("u"), "--", "/nonexistent/command"), 2, "BadArguments (cannot run '/nonexistent/command'");
    }

    private static string Name(string prefix) => UniquePath(prefix)[1..];
}
