using System.Net;
using System.Net.Sockets;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>
/// Idle keep-alive connections to one upstream address, most recently used first (warm sockets, and the
/// least used ones age out). A connection idle longer than <see cref="IdleTimeout"/> is closed when next seen
/// instead of being used (SocketsHttpHandler's default idle timeout is also a minute); at most
/// <see cref="MaxIdle"/> are kept.
/// </summary>
internal sealed class UpstreamPool(EndPoint endpoint)
{
    public const int MaxIdle = 1024;
    public static readonly long IdleTimeout = 60_000;
    private readonly Stack<UpstreamConnection> _idle = new();

    /// <summary>An idle connection, or null when there is none (the caller then connects: <see cref="ConnectAsync"/>).</summary>
    public UpstreamConnection? TakeIdle()
    {
        var now = Environment.TickCount64;
        while (true)
        {
            UpstreamConnection? connection;
            lock (_idle)
            {
                if (!_idle.TryPop(out connection)) return null;
            }

            if (now - connection.IdleSince < IdleTimeout) return connection;
            connection.Dispose();
        }
    }

    public async ValueTask<UpstreamConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = endpoint is IPEndPoint ip ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp) : new Socket(SocketType.Stream, ProtocolType.Tcp);
        socket.NoDelay = true;
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
            return new UpstreamConnection(socket, this);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Keeps a connection whose last answer ended cleanly for the next request.</summary>
    public void Return(UpstreamConnection connection)
    {
        connection.IdleSince = Environment.TickCount64;
        lock (_idle)
        {
            if (_idle.Count < MaxIdle)
            {
                _idle.Push(connection);
                return;
            }
        }

        connection.Dispose();
    }
}
