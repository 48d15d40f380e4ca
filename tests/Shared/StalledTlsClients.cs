using System.Net.Sockets;

namespace OrleansCoord.Tests.Shared;

/// <summary>
/// Clients that hold a TLS port as an attacker would, and the check that the server let them go: one connects and sends
/// nothing, one sends a handshake record's header announcing a 512-byte ClientHello and then only part of it.
/// </summary>
internal static class StalledTlsClients
{
    /// <summary>A TLS handshake record's header (length 512), the ClientHello's type and length, its version, and 64 bytes
    /// of its random: a handshake that never completes.</summary>
    private static readonly byte[] PartialClientHello = [.. new byte[] { 22, 3, 1, 2, 0, 1, 0, 1, 252, 3, 3 }, .. new byte[64]];

    /// <summary>Opens the silent and the half-hello client on each of <paramref name="ports"/>; the caller disposes them.</summary>
    public static async Task<List<TcpClient>> OpenAsync(IEnumerable<int> ports, CancellationToken cancellationToken)
    {
        var stalled = new List<TcpClient>();
        try
        {
            foreach (var port in ports)
            {
                foreach (var bytes in new[] { Array.Empty<byte>(), PartialClientHello })
                {
                    var tcp = new TcpClient();
                    stalled.Add(tcp);
                    await tcp.ConnectAsync("127.0.0.1", port, cancellationToken);
                    await tcp.GetStream().WriteAsync(bytes, cancellationToken);
                }
            }

            return stalled;
        }
        catch
        {
            foreach (var tcp in stalled) tcp.Dispose();
            throw;
        }
    }

    /// <summary>
    /// True when the server closes the connection (FIN or reset) within <paramref name="within"/> without answering: a
    /// TLS alert record (content type 21) counts as a refusal, any other byte as an answer (false). False as well when
    /// the connection is still open then.
    /// </summary>
    public static async Task<bool> ClosedWithoutAnswerAsync(NetworkStream stream, TimeSpan within, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(within);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0) return true;
                if (buffer[0] != 21) return false;
            }
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
