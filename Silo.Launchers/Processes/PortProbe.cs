using System.Net;
using System.Net.Sockets;

namespace OrleansCoord.Silo.Launchers.Processes;

/// <summary>Asks whether something accepts TCP connections on a loopback port.</summary>
internal static class PortProbe
{
    /// <summary>True when a connection to 127.0.0.1:<paramref name="port"/> succeeds within a short timeout.</summary>
    public static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
            return true;
        }
        catch (Exception exception) when (exception is SocketException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>The ports among <paramref name="ports"/> that accept connections.</summary>
    public static async Task<int[]> ListeningAsync(IEnumerable<int> ports, CancellationToken cancellationToken = default)
    {
        var list = ports.ToArray();
        var results = await Task.WhenAll(list.Select(p => IsListeningAsync(p, cancellationToken)));
        return list.Where((_, i) => results[i]).ToArray();
    }
}
