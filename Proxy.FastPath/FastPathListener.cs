using System.Net;
using System.Net.Sockets;
using OrleansCoord.Proxy.FastPath.Loop;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>
/// The main port: accepts client connections and gives them in turn to the event loops, one per core, where the fast
/// path serves them (<see cref="FastPathConnection"/>). On stop, it stops accepting, lets connections finish the
/// answer in progress (idle ones close at once) until the host's shutdown time is up, then cuts off the rest.
/// </summary>
internal sealed class FastPathListener(FastPathServices services, FastPathOptions options, ILogger<FastPathListener> logger) : IHostedService
{
    /// <summary>Whether this platform has what the loops use (Linux, x64 or arm64); elsewhere Kestrel serves the main port.</summary>
    public static bool Supported => LinuxSockets.Supported;

    private Socket? _listener;
    private EventLoop[] _loops = [];
    private Task _accepting = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var endpoint = new IPEndPoint(IPAddress.Parse(options.ListenAddress), options.Port);
        var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true); // as Kestrel: restart while old connections linger
            if (endpoint.Address.Equals(IPAddress.IPv6Any)) listener.DualMode = true; // "::" takes IPv4 clients too, as with Kestrel
            listener.Bind(endpoint);
            listener.Listen(512);
        }
        catch (SocketException exception)
        {
            listener.Dispose();
            throw new IOException($"Failed to bind to address http://{endpoint}: {exception.Message}", exception); // Program reports it in one line
        }

        _listener = listener;
        _loops = [.. Enumerable.Range(0, options.LoopCount).Select(i => new EventLoop(i, logger))];
        foreach (var loop in _loops) loop.Start();
        _accepting = AcceptAsync(listener);
        return Task.CompletedTask;
    }

    private async Task AcceptAsync(Socket listener)
    {
        var next = 0;
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync();
            }
            catch (Exception exception) when (exception is ObjectDisposedException or SocketException { SocketErrorCode: SocketError.OperationAborted })
            {
                return; // stopped
            }
            catch (SocketException exception)
            {
                logger.LogWarning("Accepting a connection failed: {Error}", exception.Message); // e.g. out of descriptors; go on
                await Task.Delay(10);
                continue;
            }

            if (!services.Connections.TryOpen())
            {
                client.Dispose(); // --max-connections reached
                continue;
            }

            try
            {
                client.NoDelay = true;
                client.Blocking = false;
            }
            catch (SocketException)
            {
                client.Dispose(); // gone already
                services.Connections.Close();
                continue;
            }

            var loop = _loops[next];
            next = (next + 1) % _loops.Length;
            loop.Post(static state =>
            {
                var (services, loop, client) = ((FastPathServices, EventLoop, Socket))state!;
                Serve(services, loop, client);
            }, (services, loop, client));
        }
    }

    private static void Serve(FastPathServices services, EventLoop loop, Socket client)
    {
        LoopSocket socket;
        IPEndPoint? remote;
        try
        {
            remote = client.RemoteEndPoint as IPEndPoint;
            socket = new LoopSocket(loop, (int)client.SafeHandle.DangerousGetHandle(), client);
        }
        catch (SocketException)
        {
            client.Dispose();
            services.Connections.Close();
            return;
        }

        _ = new FastPathConnection(socket, remote, services).RunAsync();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _listener?.Dispose();
        await _accepting;
        foreach (var loop in _loops) loop.Post(static state => ((EventLoop)state!).ForEachConnection(static (c, _) => c.Drain(), 0), loop);
        while (_loops.Any(loop => loop.ConnectionCount > 0) && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None);
        }

        foreach (var loop in _loops)
        {
            loop.Post(static state => ((EventLoop)state!).ForEachConnection(static (c, _) => c.Abort(), 0), loop);
            loop.Stop();
        }

        foreach (var loop in _loops)
        {
            loop.Join(TimeSpan.FromSeconds(5));
            loop.Dispose();
        }
    }
}
