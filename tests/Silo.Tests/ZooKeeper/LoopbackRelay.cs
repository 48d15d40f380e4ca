using System.Net;
using System.Net.Sockets;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>
/// A TCP relay on loopback between a client and a silo's ZooKeeper port, so that a test can drop a client's connection
/// (as a network fault would) without stopping the silo, and count how often the client connected.
/// </summary>
internal sealed class LoopbackRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<(TcpClient Client, TcpClient Server)> _pairs = [];
    private readonly Task _accepting;
    private int _accepted;

    public LoopbackRelay(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections the client opened through the relay so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Drops every connection open now (both ends, at once); new ones are relayed again.</summary>
    public void CutAll()
    {
        lock (_lock)
        {
            foreach (var (client, server) in _pairs)
            {
                // Close(0): a reset, not a graceful end, so the client notices at once. Client is null once disposed.
                client.Client?.Close(0);
                server.Client?.Close(0);
            }

            _pairs.Clear();
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            var server = new TcpClient();
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }

            lock (_lock) _pairs.Add((client, server));
            _ = PumpAsync(client, server);
            _ = PumpAsync(server, client);
        }
    }

    /// <summary>Copies one direction until either side ends; then closes both, as a broken link would.</summary>
    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), _stop.Token);
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The other pump or CutAll closed the link.
        }
        finally
        {
            lock (_lock) _pairs.RemoveAll(p => p.Client == from || p.Server == from);
            from.Dispose();
            to.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CutAll();
        await _accepting;
        _stop.Dispose();
    }
}
