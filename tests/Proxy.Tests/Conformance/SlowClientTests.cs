using System.Text;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.Conformance;

/// <summary>
/// Slowloris: a client that sends its request head a byte at a time must not hold its connection (nor, on the fast path,
/// its event loop) beyond the header timeout (<c>--header-timeout</c>, nginx's client_header_timeout), which runs from
/// the head's first byte. With the fast path on and off; the fixture's proxies run one event loop and a 3 s header
/// timeout.
/// </summary>
[Collection(GridCollection.Name)]
public sealed class SlowClientTests(ConformanceFixture fixture) : IClassFixture<ConformanceFixture>
{
    /// <summary>Bytes sent at most, one per <see cref="Interval"/>: ~50 s, far past the 3 s header timeout.</summary>
    private const int MaxBytes = 200;

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task AHeadTrickledInByteByByte_IsCutOffAtTheHeaderTimeout_OthersAreServedMeanwhile(string fastPath)
    {
        var (proxy, prefix) = (fixture.Proxy(fastPath), $"/{fixture.Cluster}/{fastPath}-{Guid.NewGuid():N}");
        var (ending, sent) = await TrickleAsync(proxy.Port, $"GET {prefix}/slow HTTP/1.1\r\nHost: x\r\nX-Slow: ", async sentSoFar =>
        {
            // While the slow head comes in, another client on the same event loop is served.
            if (sentSoFar == 4) await RawExchange.AssertOwnAnswerAsync(proxy.Port, $"{prefix}/meanwhile");
        });

        // Cut off before the head could end (it never does: no empty line is ever sent), either silently (the fast path,
        // as nginx) or with 408 (Kestrel); the request never reached the upstream.
        Assert.True(sent < MaxBytes, $"still open after {sent} bytes");
        Assert.Contains(ending, new[] { "closed", "408" });
        Assert.False(fixture.Rogue.HasPrinted($"request {prefix}/slow"));
        await RawExchange.AssertOwnAnswerAsync(proxy.Port, $"{prefix}/after");
    }

    /// <summary>The header timeout runs from a head's first byte, not from the end of the answer before it: a keep-alive
    /// connection idle for longer than the header timeout still has all of it for its next head (which here comes in two
    /// pieces, half the timeout apart).</summary>
    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task AHeadBegunAfterAnIdleSpell_HasTheWholeHeaderTimeout(string fastPath)
    {
        var (proxy, prefix) = (fixture.Proxy(fastPath), $"/{fixture.Cluster}/{fastPath}-{Guid.NewGuid():N}");
        await using var connection = await RawHttp.ConnectAsync(proxy.Port);
        await connection.SendAsync($"GET {prefix}/first HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal($"r:{prefix}/first", (await connection.ReadResponseAsync()).Body);

        await Task.Delay(ConformanceFixture.HeaderTimeout + TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        await connection.SendAsync($"GET {prefix}/second HTTP/1.1\r\n");
        await Task.Delay(ConformanceFixture.HeaderTimeout / 2, TestContext.Current.CancellationToken);
        await connection.SendAsync("Host: x\r\n\r\n");

        Assert.Equal($"r:{prefix}/second", (await connection.ReadResponseAsync()).Body);
    }

    /// <summary>Sends <paramref name="head"/> and then 'a's, one byte per <see cref="Interval"/>, until the proxy answers
    /// or closes the connection, or <see cref="MaxBytes"/> are sent: how it ended ("closed", a status, "open") and the
    /// bytes sent. <paramref name="meanwhile"/> runs after each byte.</summary>
    internal static async Task<(string Ending, int Sent)> TrickleAsync(int port, string head, Func<int, Task>? meanwhile = null)
    {
        await using var connection = await RawHttp.ConnectAsync(port);
        var answer = RawExchange.TryReadAsync(connection);
        var bytes = Encoding.ASCII.GetBytes(head);
        var sent = 0;
        for (; sent < MaxBytes && !answer.IsCompleted; sent++)
        {
            try
            {
                await connection.SendAsync([sent < bytes.Length ? bytes[sent] : (byte)'a']);
            }
            catch (IOException)
            {
                break; // the proxy has closed it
            }

            if (meanwhile is not null) await meanwhile(sent);
            await Task.WhenAny(answer, Task.Delay(Interval, TestContext.Current.CancellationToken));
        }

        if (!answer.IsCompleted) return ("open", sent);
        return ((await answer)?.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "closed", sent);
    }
}
