using OrleansCoord.Cli.Tests.Infrastructure;
using static OrleansCoord.Cli.Tests.Infrastructure.CliAssert;

namespace OrleansCoord.Cli.Tests;

/// <summary><c>coord</c> with no command: the interactive shell, driven over its standard input against a real silo.</summary>
[Collection(GridCollection.Name)]
public sealed class ShellTests(SiloFixture grid)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);
    private readonly CoordProcess _coord = grid.Coord;

    [Fact]
    public async Task Shell_KeepsOneSessionUntilQuit_SoAnEphemeralLivesUntilThen()
    {
        var path = UniquePath("shell-ephemeral");
        await using var shell = BackgroundCoord.Start(grid);
        await shell.SendAsync($"create -e {path} mine");
        await shell.WaitForLineAsync(path, Within);

        // Another process sees the ephemeral: the shell's session holds it between lines.
        Ok(await _coord.RunAsync("exists", "-q", path));
        await shell.SendAsync($"get {path}");
        await shell.WaitForLineAsync("mine", Within);

        await shell.SendAsync("quit");
        Assert.Equal(0, await shell.WaitForExitAsync(Within));
        // The shell closed its session on the way out: the ephemeral is gone now, not after a session timeout.
        Fails(await _coord.RunAsync("exists", path), 1, $"NoNode: {path}");
    }

    [Fact]
    public async Task Shell_Interrupt_StopsTheRunningCommandOnly_Terminate_EndsTheShellAndItsSession()
    {
        var path = UniquePath("shell-interrupt");
        await using var shell = BackgroundCoord.Start(grid);
        await shell.SendAsync($"create -e {path} v");
        await shell.WaitForLineAsync(path, Within);
        await shell.SendAsync($"watch {path}");
        await shell.WaitForLineAsync($"stderr: watching {path}", Within);

        shell.Signal(2);
        await shell.WaitForLineAsync("stderr: Interrupted", Within);
        await shell.SendAsync($"get {path}");
        await shell.WaitForLineAsync("v", Within);

        shell.Signal(15);
        await shell.WaitForExitAsync(Within);
        Assert.Equal(1, (await _coord.RunAsync("exists", "-q", path)).ExitCode);
    }

    [Fact]
    public async Task Shell_EndOfInputClosesTheSession()
    {
        var path = UniquePath("shell-eof");
        await using var shell = BackgroundCoord.Start(grid);
        await shell.SendAsync($"create -e {path}");
        await shell.WaitForLineAsync(path, Within);
        Assert.Equal(0, await shell.EndInputAndWaitAsync(Within));
        Assert.Equal(1, (await _coord.RunAsync("exists", "-q", path)).ExitCode);
    }

    [Fact]
    public async Task Shell_ReportsEachErrorOnOneLine_AndGoesOn()
    {
        var path = UniquePath("shell-errors");
        var missing = UniquePath("shell-missing");
        var script = $"get {missing}\nset -v abc {path} x\nfrobnicate\ncreate {path} ok\nget {path}\n";
        var result = await _coord.RunAsync([], script);

        Assert.True(result.ExitCode == 0, $"the last command succeeded, so the shell exits 0: {result}");
        Assert.Equal([path, "ok"], result.Lines);
        var errors = result.Error.Split('\n');
        Assert.Equal(3, errors.Length);
        Assert.Equal($"NoNode: {missing}", errors[0]);
        Assert.Equal("BadArguments (-v: 'abc' is not a whole number; see 'help')", errors[1]);
        Assert.StartsWith("BadArguments (", errors[2], StringComparison.Ordinal);
        Assert.Contains("frobnicate", errors[2], StringComparison.Ordinal);
        Assert.DoesNotContain("System.", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shell_LastCommandsExitCodeIsTheShells()
    {
        var result = await _coord.RunAsync([], $"get {UniquePath("shell-last")}\n");
        Assert.True(result.ExitCode == 1, result.ToString());
    }

    [Fact]
    public async Task Shell_HistoryListsTheLines_RedoRunsOneAgain()
    {
        var path = UniquePath("shell-history");
        var result = Ok(await _coord.RunAsync([], $"create {path} a\nget {path}\nhistory\nredo 2\n"));
        Assert.Equal([path, "a", $"1 - create {path} a", $"2 - get {path}", "a"], result.Lines);
    }

    [Fact]
    public async Task Shell_RefusesWhatWouldNeedAnotherSession()
    {
        var path = UniquePath("shell-refused");
        var result = await _coord.RunAsync([], $"get / --server 127.0.0.1:1\ncreate {path} -\nget {path} --auth digest:a:b\n");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(
        [
            "BadArguments (--server holds for the shell's whole session: give it when starting coord)",
            "BadArguments (DATA - reads stdin, which is the shell's own input: give the data on the line)",
            "BadArguments (--auth holds for the shell's whole session: give it when starting coord)",
        ], result.Error.Split('\n'));
        Assert.Equal(1, (await _coord.RunAsync("exists", "-q", path)).ExitCode);
    }

    [Fact]
    public async Task Shell_WithAuthAtStart_ActsAsThatIdentityOnEveryLine()
    {
        var path = UniquePath("shell-auth");
        var script = $"create --acl auth::cdrwa {path} secret\nget {path}\n";
        var result = Ok(await _coord.RunAsync(["--auth", "digest:alice:secret"], script));
        Assert.Equal([path, "secret"], result.Lines);
        Fails(await _coord.RunAsync("get", path), 1, $"NoAuth: {path} (r not granted)");
    }
}
