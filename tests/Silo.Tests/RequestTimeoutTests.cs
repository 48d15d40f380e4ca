using OrleansCoord.Client;
using OrleansCoord.Errors;
using static OrleansCoord.Silo.Tests.GridConnect;

namespace OrleansCoord.Silo.Tests;

/// <summary>
/// The SDK's <see cref="CoordClientOptions.RequestTimeout"/> bounds a request whose answer never comes (here: the
/// gateway silo is frozen with SIGSTOP, so its sockets stay open and nothing answers). It used to be set on an options
/// type Orleans does not read, and every lost call waited Orleans' own 30 s.
/// </summary>
public sealed class RequestTimeoutTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Far below Orleans' default response timeout (30 s) and far above the request timeout: the bug is a hang.</summary>
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task GatewayFrozen_ReadAndWriteFailWithinTheRequestTimeout_NotOrleansDefault()
    {
        var clusterId = $"{azurite.RunId}-reqtimeout";
        var path = $"/{azurite.RunId}-reqtimeout";
        await using var silo = await SiloProcess.StartHealthyAsync(clusterId);
        await using var client = await CoordClient.ConnectAsync(new CoordClientOptions
        {
            Servers = [silo.Gateway],
            ClusterId = clusterId,
            SessionTimeout = TimeSpan.FromSeconds(30),
            RequestTimeout = RequestTimeout,
        }, Ct);
        await client.CreateAsync(path, Utf8("before"), cancellationToken: Ct);
        Assert.Equal("before", Text((await client.GetDataAsync(path, Ct)).Data));

        silo.Freeze();
        CoordException read, write;
        try
        {
            read = await FailsWithinBoundAsync(() => client.GetDataAsync(path, Ct), "read");
            write = await FailsWithinBoundAsync(() => client.SetDataAsync(path, Utf8("while frozen"), cancellationToken: Ct), "write");
        }
        finally
        {
            silo.Thaw();
        }

        // Outcome unknown, as after ZooKeeper's ConnectionLoss: typed, retryable by the caller.
        Assert.True(GridErrors.IsTransient(read), $"read failed with {read.Code}: {read.Message}");
        Assert.True(GridErrors.IsTransient(write), $"write failed with {write.Code}: {write.Message}");
    }

    private static async Task<CoordException> FailsWithinBoundAsync<T>(Func<Task<T>> request, string what)
    {
        var call = request();
        var finished = await Task.WhenAny(call, Task.Delay(HangBound, Ct));
        Assert.True(finished == call, $"the {what} still waited after {HangBound.TotalSeconds:0} s with a {RequestTimeout.TotalSeconds:0} s request timeout");
        return await Assert.ThrowsAsync<CoordException>(() => call);
    }
}
