using System.Net;
using OrleansCoord.Proxy.FastPath.Loop;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>
/// Idle keep-alive connections to one upstream address, kept per event loop (a loop uses only its own: no lock,
/// and a request stays on its thread), most recently used first (warm sockets, and the least used ones age out).
/// A connection idle longer than <see cref="IdleTimeout"/> is closed when next seen instead of being used
/// (SocketsHttpHandler's default idle timeout is also a minute); at most <see cref="MaxIdle"/> are kept per loop.
/// One that received anything while idle (stray bytes, or the end of its stream) is closed, never used: what it sent
/// would be taken for the next request's answer (nginx and SocketsHttpHandler close such a connection too).
/// A host name's addresses are tried in turn, as SocketsHttpHandler does (e.g. <c>localhost</c> as ::1, then 127.0.0.1).
/// </summary>
/// <param name="resolve">Looks up a host name's addresses; <see cref="Dns.GetHostAddressesAsync(string)"/> when not given.</param>
internal sealed class UpstreamPool(EndPoint endpoint, int loops, Func<string, Task<IPAddress[]>>? resolve = null)
{
    public const int MaxIdle = 1024;
    public static readonly long IdleTimeout = 60_000;
    private readonly Stack<UpstreamConnection>[] _idle = [.. Enumerable.Range(0, loops).Select(_ => new Stack<UpstreamConnection>())];
    private readonly Func<string, Task<IPAddress[]>> _resolve = resolve ?? Dns.GetHostAddressesAsync;
    private volatile int _addresses = 1; // how many the host name had when last looked up (an IP address: one)

    /// <summary>An idle connection of <paramref name="loop"/>, or null when it has none (the caller then connects: <see cref="ConnectAsync"/>).</summary>
    public UpstreamConnection? TakeIdle(EventLoop loop)
    {
        var idle = IdleOf(loop);
        var now = Environment.TickCount64;
        while (idle.TryPop(out var connection))
        {
            if (now - connection.IdleSince < IdleTimeout && connection.Socket.IsQuiet()) return connection;
            connection.Dispose();
        }

        return null;
    }

    /// <summary>
    /// A new connection on <paramref name="loop"/>, connecting: await <see cref="UpstreamConnection.ConnectedAsync"/>.
    /// A host name is looked up first (off the loop, then back on it), and its address number <paramref name="attempt"/>
    /// is the one connected to: when a connect fails, the caller tries the next while <see cref="HasAddress"/>.
    /// </summary>
    public async ValueTask<UpstreamConnection> ConnectAsync(EventLoop loop, int attempt = 0)
    {
        var address = endpoint as IPEndPoint;
        if (address is null)
        {
            var dns = (DnsEndPoint)endpoint;
            var addresses = await _resolve(dns.Host);
            await loop.SwitchTo();
            _addresses = addresses.Length;
            if (attempt >= addresses.Length) throw new IOException($"{dns.Host} has {addresses.Length} addresses, none left to try");
            address = new IPEndPoint(addresses[attempt], dns.Port);
        }
        else if (attempt > 0)
        {
            throw new IOException($"{address} is the only address");
        }

        return new UpstreamConnection(LoopSocket.Connect(loop, address), this);
    }

    /// <summary>Whether connect attempt number <paramref name="attempt"/> (0 the first) has an address to go to.</summary>
    public bool HasAddress(int attempt) => attempt < _addresses;

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
