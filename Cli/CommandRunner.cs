using System.CommandLine;
using OrleansCoord.Cli.Output;
using OrleansCoord.Client;
using OrleansCoord.Errors;

namespace OrleansCoord.Cli;

/// <summary>What a command does once it has a session: prints its answer and returns the exit code.</summary>
internal delegate Task<int> GridAction(CoordClient client, ConsoleOutput output, CancellationToken cancellationToken);

/// <summary>
/// Runs one command: validate the arguments (nothing is sent for a bad path or version), take a session (a new one,
/// or the shell's), act, give the session back, and turn every failure into one line on stderr and an exit code.
/// </summary>
internal static class CommandRunner
{
    /// <summary>Makes <paramref name="command"/> run <paramref name="prepare"/>'s action against the grid.</summary>
    /// <param name="prepare">Reads and validates the arguments (throwing BadArguments) before any connection is made.</param>
    /// <param name="waits">The command waits for a recipe: <c>--timeout</c> bounds that wait, not the requests.</param>
    public static void SetGridAction(this Command command, GlobalOptions globals, Func<ParseResult, GridAction> prepare, bool waits = false) =>
        command.SetAction((parse, cancellationToken) => RunAsync(parse, globals, prepare, waits, cancellationToken));

    private static async Task<int> RunAsync(ParseResult parse, GlobalOptions globals, Func<ParseResult, GridAction> prepare, bool waits,
        CancellationToken cancellationToken)
    {
        var output = ConsoleOutput.ForConsole(parse.GetValue(globals.Json));
        try
        {
            var action = prepare(parse);
            var options = globals.ToClientOptions(parse, waits);
            var client = await globals.Sessions.AcquireAsync(parse, globals, options, waits, cancellationToken);
            try
            {
                return await action(client, output, cancellationToken);
            }
            finally
            {
                await globals.Sessions.ReleaseAsync(client, options, output);
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
}
