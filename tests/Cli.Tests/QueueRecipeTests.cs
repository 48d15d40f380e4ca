using System.Text.Json;
using OrleansCoord.Cli.Tests.Infrastructure;
using static OrleansCoord.Cli.Tests.Infrastructure.CliAssert;

namespace OrleansCoord.Cli.Tests;

/// <summary>queue, counter, barrier and services commands against a real silo.</summary>
[Collection(GridCollection.Name)]
public sealed class QueueRecipeTests(SiloFixture grid)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);
    private readonly CoordProcess _coord = grid.Coord;

    [Fact]
    public async Task Queue_PutLenTake_InOrder_TakeTimesOutWhenEmpty()
    {
        var queue = $"q-{Guid.NewGuid():N}";
        Assert.Single(Ok(await _coord.RunAsync("queue", "put", queue, "first")).Lines);
        Ok(await _coord.RunAsync("queue", "put", queue, "second"));
        Assert.Equal(["2"], Ok(await _coord.RunAsync("queue", "len", queue)).Lines);

        Assert.Equal(["first"], Ok(await _coord.RunAsync("queue", "take", queue)).Lines);
        using (var length = JsonDocument.Parse(Ok(await _coord.RunAsync("--json", "queue", "len", queue)).Stdout))
        {
            // The take acked what it printed: nothing is left in flight.
            Assert.Equal((1, 0), (length.RootElement.GetProperty("ready").GetInt32(), length.RootElement.GetProperty("inFlight").GetInt32()));
        }

        Assert.Equal(["second"], Ok(await _coord.RunAsync("queue", "take", queue, "--timeout", "5")).Lines);
        // --timeout also bounds connecting, so not too short on a busy machine.
        var empty = await _coord.RunAsync("queue", "take", queue, "--timeout", "5");
        FailsWith(empty, 1, $"OperationTimeout: queue:{queue} (nothing arrived within 5 s)");
        Assert.Equal([$"waiting for a message on queue {queue}"], empty.StatusLines);
        // --timeout means the same before the command name: the wait, not (only) the requests.
        FailsWith(await _coord.RunAsync("--timeout", "1", "queue", "take", queue), 1, $"OperationTimeout: queue:{queue} (nothing arrived within 1 s)");
        Assert.Equal("", empty.Stdout);
    }

    [Fact]
    public async Task Queue_BadInput_IsAUsageError()
    {
        FailsWith(await _coord.RunAsync("queue", "put", "", "x"), 2, "BadArguments: queue:");
        FailsWith(await _coord.RunAsync("queue", "take", "q", "--timeout", "-1"), 2, "BadArguments");
        FailsWith(await _coord.RunAsync("queue", "take", "q", "--visibility", "0"), 2, "BadArguments: queue:q");
    }

    [Fact]
    public async Task Counter_GetAddCas_PrintTheResultingValue()
    {
        var counter = $"c-{Guid.NewGuid():N}";
        Assert.Equal(["0"], Ok(await _coord.RunAsync("counter", "get", counter)).Lines);
        Assert.Equal(["5"], Ok(await _coord.RunAsync("counter", "add", counter, "5")).Lines);
        Assert.Equal(["3"], Ok(await _coord.RunAsync("counter", "add", counter, "--", "-2")).Lines);
        Assert.Equal(["10"], Ok(await _coord.RunAsync("counter", "cas", counter, "3", "10")).Lines);

        var refused = await _coord.RunAsync("counter", "cas", counter, "3", "11");
        Assert.Equal(["10"], refused.Lines);
        FailsWith(refused, 1, $"BadVersion: counter:{counter} (expected 3, actual 10)");
        Assert.Equal(["10"], Ok(await _coord.RunAsync("counter", "get", counter)).Lines);
        var notANumber = await _coord.RunAsync("counter", "add", counter, "x");
        Assert.True(notANumber.ExitCode == 2 && notANumber.Stderr.StartsWith("BadArguments", StringComparison.Ordinal), notANumber.ToString());
    }

    [Fact]
    public async Task Barrier_SaysItWaits_UntilTheLastOneEnters()
    {
        var barrier = $"b-{Guid.NewGuid():N}";
        await using var first = BackgroundCoord.Start(grid, "barrier", "enter", barrier, "--count", "2");
        await first.WaitForLineAsync($"stderr: waiting at barrier {barrier} until 2 have entered", TimeSpan.FromSeconds(60));
        Ok(await _coord.RunAsync("barrier", "enter", barrier, "--count", "2"));
        Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task Barrier_EnterReturnsWhenCountHaveEntered()
    {
        var barrier = $"b-{Guid.NewGuid():N}";
        var first = _coord.RunAsync("barrier", "enter", barrier, "--count", "2");
        var second = _coord.RunAsync("barrier", "enter", barrier, "--count", "2");
        Ok(await first);
        Ok(await second);
        FailsWith(await _coord.RunAsync("barrier", "enter", barrier, "--count", "2", "--timeout", "5"), 1, $"OperationTimeout: barrier:{barrier}");
        FailsWith(await _coord.RunAsync("barrier", "enter", barrier, "--count", "0"), 2, "BadArguments");
    }

    [Fact]
    public async Task ServicesRegister_ListsUntilSigterm_ThenDeregistersAtOnce()
    {
        var service = $"s-{Guid.NewGuid():N}";
        // A long session: were the instance left to expire, it would still be listed after the exit.
        await using var registration = RunningCoord.Start(grid, "--session-timeout", "60", "services", "register", service, "i1",
            "http://127.0.0.1:5001", "--weight", "2", "--meta", "zone=a");
        Assert.Equal($"/services/{service}/i1", await registration.ReadLineAsync(Patience));

        Assert.Equal(["i1 http://127.0.0.1:5001 weight=2 zone=a"], Ok(await _coord.RunAsync("services", "ls", service)).Lines);
        using (var listed = JsonDocument.Parse(Ok(await _coord.RunAsync("--json", "services", "ls", service)).Stdout))
        {
            var instance = listed.RootElement.GetProperty("instances")[0];
            Assert.Equal("i1", instance.GetProperty("id").GetString());
            Assert.Equal("""{"address":"http://127.0.0.1:5001","weight":2,"metadata":{"zone":"a"}}""", instance.GetProperty("instance").GetRawText());
        }

        Assert.Equal(0, await registration.TerminateAsync(Patience));
        Assert.Equal("", Ok(await _coord.RunAsync("services", "ls", service)).Stdout);
    }

    [Fact]
    public async Task ServicesRegister_BadInput_IsAUsageError()
    {
        FailsWith(await _coord.RunAsync("services", "register", "svc", "i1", "not-a-url"), 2, "BadArguments: /services/svc/i1");
        FailsWith(await _coord.RunAsync("services", "register", "svc", "i1", "http://127.0.0.1:1", "--weight", "0"), 2, "BadArguments");
        FailsWith(await _coord.RunAsync("services", "register", "svc", "i1", "http://127.0.0.1:1", "--meta", "novalue"), 2, "BadArguments");
        FailsWith(await _coord.RunAsync("services", "ls", "a/b"), 2, "BadArguments");
    }
}
