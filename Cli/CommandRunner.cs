using System.CommandLine;
using OrleansCoord.Cli.Output;
using OrleansCoord.Client;
using OrleansCoord.Errors;

namespace OrleansCoord.Cli;

/// <summary>What a command does once it has a session: prints its answer and returns the exit code.</summary>
internal delegate Task<int> GridAction(CoordClient client, ConsoleOutput output, CancellationToken cancellationToken);

/// <summary>
/// Runs one command: validate the arguments (nothing is sent for a bad path or version), open a session,
/// act, close the session, and turn every failure into one line on stderr and an exit code.
/// </summary>
internal static class CommandRunner
{
    /// <summary>Makes <paramref name="command"/> run <paramref name="prepare"/>'s action against the grid.</summary>
    /// <param name="prepare">Reads and validates the arguments (throwing BadArguments) before any connection is made.</param>
    public static void SetGridAction(this Command command, GlobalOptions globals, Func<ParseResult, GridAction> prepare) =>
        command.SetAction((parse, cancellationToken) => RunAsync(parse, globals, prepare, cancellationToken));

    private static async Task<int> RunAsync(ParseResult parse, GlobalOptions globals, Func<ParseResult, GridAction> prepare,
        CancellationToken cancellationToken)
    {
        var output = ConsoleOutput.ForConsole(parse.GetValue(globals.Json));
        try
        {
            var action = prepare(parse);
            var options = globals.ToClientOptions(parse);
            var identities = globals.AuthOf(parse);
            var client = await ConnectAsync(options, cancellationToken);
            try
            {
                foreach (var (scheme, auth) in identities) await client.AddAuthAsync(scheme, auth);
                return await action(client, output, cancellationToken);
            }
            finally
            {
                await CloseAsync(client, options, output);
            }
        }
        catch (CoordException exception)
        {
            // A storage failure may come after the write was applied: say so, as ZooKeeper's ConnectionLoss would.
            output.Error(exception.Code == CoordErrorCode.SystemError
                ? $"{exception.Message}; a write may have been applied all the same (its outcome is unknown)"
                : exception.Message);
            return exception.Code == CoordErrorCode.BadArguments ? ExitCodes.UsageError : ExitCodes.GridError;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            output.Error("Interrupted");
            return ExitCodes.Interrupted;
        }
        catch (Exception exception)
        {
            // Not a typed grid error: still one line, never a stack trace.
            output.Error($"{CoordErrorCode.SystemError}: {exception.GetType().Name}: {exception.Message}");
            return ExitCodes.GridError;
        }
    }

    private static async Task<CoordClient> ConnectAsync(CoordClientOptions options, CancellationToken cancellationToken)
    {
        // The Orleans client may keep retrying gateways; bound it so an unreachable grid fails, not hangs.
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connectTimeout.CancelAfter(options.RequestTimeout);
        try
        {
            return await CoordClient.ConnectAsync(options, connectTimeout.Token);
        }
        catch (OperationCanceledException) when (connectTimeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new CoordException(CoordErrorCode.ConnectionLoss, string.Join(',', options.Servers),
                $"no answer within {options.RequestTimeout.TotalSeconds:0.#} s");
        }
        catch (System.Net.Sockets.SocketException exception)
        {
            // The SDK resolves host names itself and lets a DNS failure through untyped.
            throw new CoordException(CoordErrorCode.ConnectionLoss, string.Join(',', options.Servers), exception.Message);
        }
    }

    private static async Task CloseAsync(CoordClient client, CoordClientOptions options, ConsoleOutput output)
    {
        // Closing deletes this session's ephemerals now rather than after the session timeout, so
        // `coord create -e` leaves nothing behind. Bounded: a grid that went away must not hang the exit.
        try
        {
            await client.CloseAsync().WaitAsync(options.RequestTimeout + TimeSpan.FromSeconds(5));
        }
        catch (Exception exception)
        {
            var reason = exception is CoordException coord ? coord.Message : $"{exception.GetType().Name}: {exception.Message}";
            output.Error($"warning: session not closed ({reason}); its ephemerals go when it expires");
        }
    }
}
