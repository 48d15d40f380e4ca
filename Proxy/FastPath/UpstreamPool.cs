using System.Net;
using OrleansCoord.Proxy.FastPath.Loop;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>
/// Idle keep-alive connections to one upstream address, kept per event loop (a loop uses only its own: no lock,
/// and a request stays on its thread), most recently used first (warm sockets, and the least used ones age out).
/// A connection idle longer than <see cref="IdleTimeout"/> is closed when next seen instead of being used
/// (SocketsHttpHandler's default idle timeout is also a minute); at most <see cref="MaxIdle"/> are kept per loop.
/// </summary>
internal sealed class UpstreamPool(EndPoint endpoint, int loops)
{
    public const int MaxIdle = 1024;
    public static readonly long IdleTimeout = 60_000;
    private readonly Stack<UpstreamConnection>[] _idle = [.. Enumerable.Range(0, loops).Select(_ => new Stack<UpstreamConnection>())];

    /// <summary>An idle connection of <paramref name="loop"/>, or null when it has none (the caller then connects: <see cref="Connect"/>).</summary>
    public UpstreamConnection? TakeIdle(EventLoop loop)
    {
        var idle = IdleOf(loop);
        var now = Environment.TickCount64;
        while (idle.TryPop(out var connection))
        {
            if (now - connection.IdleSince < IdleTimeout) return connection;
            connection.Dispose();
        }

        return null;
    }

    /// <summary>A new connection on <paramref name="loop"/>, connecting: await <see cref="UpstreamConnection.ConnectedAsync"/>.
    /// A host name is looked up first (off the loop, then back on it).</summary>
    public async ValueTask<UpstreamConnection> ConnectAsync(EventLoop loop)
    {
        var address = endpoint as IPEndPoint;
        if (address is null)
        {
            var dns = (DnsEndPoint)endpoint;
            var addresses = await Dns.GetHostAddressesAsync(dns.Host);
            await loop.SwitchTo();
            address = addresses.Length > 0 ? new IPEndPoint(addresses[0], dns.Port) : throw new IOException($"{dns.Host} has no address");
        }

        return new UpstreamConnection(LoopSocket.Connect(loop, address), this);
    }

    /// <summary>Keeps a connection whose last answer ended cleanly for the next request of its loop.</summary>
    public void Return(UpstreamConnection connection)
    {
        connection.IdleSince = Environment.TickCount64;
        var idle = IdleOf(connection.Socket.Loop);
        if (idle.Count < MaxIdle) idle.Push(connection);
        else connection.Dispose();
    }

    private Stack<UpstreamConnection> IdleOf(EventLoop loop) => _idle[loop.Index];
}
