using OrleansCoord.Client;
using OrleansCoord.Errors;

namespace OrleansCoord.Cli.Sessions;

/// <summary>Opens a session with the grid, bounded by the request timeout, and fails at once when no gateway listens.</summary>
internal static class GridConnector
{
    public static async Task<CoordClient> ConnectAsync(CoordClientOptions options, CancellationToken cancellationToken)
    {
        var servers = string.Join(',', options.Servers);
        // The Orleans client may keep retrying gateways; bound it so an unreachable grid fails, not hangs.
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(options.RequestTimeout);
        // Probed beside the client's start-up (which takes longer, and begins with work that does not yield: hence
        // Task.Run), so a grid that is there pays no time for it and one that is not is reported at once.
        var refused = GatewayProbe.AllRefuseAsync(options.Servers, attempt.Token);
        var connecting = Task.Run(() => CoordClient.ConnectAsync(options, attempt.Token), CancellationToken.None);
        try
        {
            if (await Task.WhenAny(connecting, refused) == refused && await refused)
            {
                await attempt.CancelAsync();
                _ = AbandonAsync(connecting);
                throw new CoordException(CoordErrorCode.ConnectionLoss, servers, "connection refused: is the silo running?");
            }

            return await connecting;
        }
        catch (OperationCanceledException) when (attempt.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new CoordException(CoordErrorCode.ConnectionLoss, servers, $"no answer within {options.RequestTimeout.TotalSeconds:0.#} s");
        }
        catch (System.Net.Sockets.SocketException exception)
        {
            // The SDK resolves host names itself and lets a DNS failure through untyped.
            throw new CoordException(CoordErrorCode.ConnectionLoss, servers, exception.Message);
        }
    }

    /// <summary>A client that connected after all, too late to be used: closed so its session does not linger.</summary>
    private static async Task AbandonAsync(Task<CoordClient> connecting)
    {
        try
        {
            await (await connecting).CloseAsync();
        }
        catch (Exception)
        {
            // It failed or was cancelled: nothing to close.
        }
    }
}
