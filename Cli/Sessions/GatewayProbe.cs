using System.Net.Sockets;

namespace OrleansCoord.Cli.Sessions;

/// <summary>
/// Tells at once when no gateway listens. The Orleans client keeps asking a gateway that refuses for the cluster
/// manifest until its deadline, so without this an unreachable grid costs the whole <c>--timeout</c>; a refused
/// TCP connection is an answer that needs no waiting.
/// </summary>
internal static class GatewayProbe
{
    /// <summary>How long one probe may take; a silent host (no refusal) is left to the Orleans client.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>True when every gateway refused a TCP connection; false as soon as one accepts or cannot be told.</summary>
    public static async Task<bool> AllRefuseAsync(IEnumerable<string> servers, CancellationToken cancellationToken)
    {
        var probes = servers.Select(server => RefusesAsync(server, cancellationToken)).ToList();
        while (probes.Count > 0)
        {
            var done = await Task.WhenAny(probes);
            if (!await done) return false;
            probes.Remove(done);
        }

        return true;
    }

    private static async Task<bool> RefusesAsync(string server, CancellationToken cancellationToken)
    {
        var colon = server.LastIndexOf(':');
        var host = server[..colon].Trim('[', ']');
        var port = int.Parse(server.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, timeout.Token);
            return false;
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            // Unresolvable, unreachable or silent: not a refusal; the Orleans client reports it in its own time.
            return false;
        }
    }
}
