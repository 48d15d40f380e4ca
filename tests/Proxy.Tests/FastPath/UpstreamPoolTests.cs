using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansCoord.Proxy.FastPath;
using OrleansCoord.Proxy.FastPath.Loop;

namespace OrleansCoord.Proxy.Tests.FastPath;

/// <summary>The fast path's upstream connections, made on a real event loop to a real listening socket.</summary>
public sealed class UpstreamPoolTests
{
    [Fact]
    public async Task AHostNamesAddresses_AreTriedInTurn_UntilOneConnects()
    {
        Assert.SkipUnless(FastPathListener.Supported, "the fast path's event loop is Linux's");
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        // 127.0.0.2 is a loopback address as well, but nothing listens there on this port: the connect is refused.
        var pool = new UpstreamPool(new DnsEndPoint("two-addresses.test", port), loops: 1,
            _ => Task.FromResult<IPAddress[]>([IPAddress.Parse("127.0.0.2"), IPAddress.Loopback]));
        using var loop = new EventLoop(0, NullLogger.Instance);
        loop.Start();

        var (firstRefused, hasSecond, hasThird, thirdFailure) = await OnLoopAsync(loop, async () =>
        {
            var firstRefused = false;
            try
            {
                using var first = await pool.ConnectAsync(loop, 0);
                await first.ConnectedAsync();
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionRefused)
            {
                firstRefused = true;
            }

            var hasSecond = pool.HasAddress(1);
            var second = await pool.ConnectAsync(loop, 1);
            await second.ConnectedAsync();
            await second.SendAsync("hello"u8.ToArray());
            second.Dispose();
            var hasThird = pool.HasAddress(2);
            var thirdFailure = await Record.ExceptionAsync(async () => await pool.ConnectAsync(loop, 2));
            return (firstRefused, hasSecond, hasThird, thirdFailure);
        });

        Assert.True(firstRefused, "the first address refuses");
        Assert.True(hasSecond);
        using var accepted = await listener.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var received = new byte[5];
        for (var read = 0; read < received.Length;)
        {
            var count = await accepted.ReceiveAsync(received.AsMemory(read)).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.NotEqual(0, count);
            read += count;
        }

        Assert.Equal("hello"u8.ToArray(), received); // the second address reached the listener
        Assert.False(hasThird);
        Assert.IsType<IOException>(thirdFailure);
        loop.Stop();
        loop.Join(TimeSpan.FromSeconds(5));
    }

    /// <summary>Runs <paramref name="work"/> on the loop's thread, where loop sockets are used.</summary>
    private static Task<T> OnLoopAsync<T>(EventLoop loop, Func<Task<T>> work)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Post(_ =>
        {
            _ = Run();

            async Task Run()
            {
                try
                {
                    result.SetResult(await work());
                }
                catch (Exception exception)
                {
                    result.SetException(exception);
                }
            }
        }, null);
        return result.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
