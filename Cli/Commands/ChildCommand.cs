using System.CommandLine;
using System.ComponentModel;
using System.Diagnostics;
using OrleansCoord.Errors;

namespace OrleansCoord.Cli.Commands;

/// <summary>
/// The <c>-- CMD [ARGS]</c> of <c>lock</c> and <c>elect</c>: runs CMD with this console, and stops it when what
/// it runs under (a lock, leadership) is lost or the user interrupts.
/// </summary>
internal static class ChildCommand
{
    /// <summary>The CMD and its arguments: everything after <c>--</c>.</summary>
    public static Argument<string[]> Argument() => new("command")
    {
        Description = "The command to run, after --, with its arguments.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>Runs <paramref name="command"/> and returns its exit code. When <paramref name="lost"/> is
    /// cancelled first, kills it and throws <paramref name="lostError"/>.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment,
        CancellationToken lost, Func<CoordException> lostError, CancellationToken interrupted)
    {
        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (var argument in command.Skip(1)) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("not started");
        }
        catch (Win32Exception exception)
        {
            throw new CoordException(CoordErrorCode.BadArguments, null, $"cannot run '{command[0]}': {exception.Message}");
        }

        using (process)
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(lost, interrupted))
        {
            try
            {
                await process.WaitForExitAsync(stop.Token);
                return process.ExitCode;
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                if (lost.IsCancellationRequested) throw lostError();
                throw;
            }
        }
    }

    /// <summary>Throws BadArguments unless a command was given.</summary>
    public static string[] Require(string[]? command, string usage) =>
        command is { Length: > 0 } && command[0].Length > 0 ? command : throw CoordException.BadArguments(null, $"no command to run; usage: {usage}");
}
