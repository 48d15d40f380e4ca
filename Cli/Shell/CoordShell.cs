using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.InteropServices;
using OrleansCoord.Cli.Output;
using OrleansCoord.Cli.Sessions;
using OrleansCoord.Client;
using OrleansCoord.Errors;

namespace OrleansCoord.Cli.Shell;

/// <summary>
/// <c>coord</c> with no command: zkCli's interactive shell. One session for the whole shell (an ephemeral lives until
/// the shell ends), the same commands and options as on the command line, one line per error, and zkCli's
/// <c>history</c>, <c>redo N</c>, <c>help</c> and <c>quit</c>. Ctrl-C stops the command that runs, or at the prompt
/// ends the shell; end of input (Ctrl-D, or the end of a piped script) and SIGTERM end it too, closing the session.
/// </summary>
internal sealed class CoordShell
{
    private readonly CoordClient _client;
    private readonly string _servers;
    private readonly RootCommand _commands;
    private readonly ShellInput _input;
    private CancellationTokenSource? _running;

    private CoordShell(CoordClient client, string servers)
    {
        _client = client;
        _servers = servers;
        _commands = CoordCommandLine.Build(new ShellSessions(client));
        _input = ShellInput.ForConsole();
        // zkCli prints its connection's state changes too; here one line each, beside the commands' output (not the
        // Closed that quitting causes).
        client.StateChanged += state =>
        {
            if (state != SessionState.Closed) Console.Error.WriteLine($"session 0x{client.SessionId:x16}: {state}");
        };
    }

    /// <summary>Opens the session with the options on the command line and reads commands until the end.</summary>
    /// <returns>The exit code of the last command (0 when none ran), as a shell script's.</returns>
    public static async Task<int> RunAsync(ParseResult parse, GlobalOptions globals)
    {
        var output = ConsoleOutput.ForConsole(parse.GetValue(globals.Json));
        CoordClient client;
        CoordClientOptions options;
        var sessions = new PerCommandSessions();
        try
        {
            options = globals.ToClientOptions(parse, waits: false);
            client = await sessions.AcquireAsync(parse, globals, options, waits: false, CancellationToken.None);
        }
        catch (CoordException exception)
        {
            output.Error(exception.Message);
            return exception.Code == CoordErrorCode.BadArguments ? ExitCodes.UsageError : ExitCodes.GridError;
        }

        var shell = new CoordShell(client, string.Join(',', options.Servers));
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, shell.OnInterrupt);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, shell.OnTerminate);
        try
        {
            return await shell.ReadEvalLoopAsync();
        }
        finally
        {
            await sessions.ReleaseAsync(client, options, output);
        }
    }

    private async Task<int> ReadEvalLoopAsync()
    {
        var lastExit = ExitCodes.Ok;
        while (await _input.ReadLineAsync(Prompt()) is { } typed)
        {
            var line = typed.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line is "quit" or "exit") break;
            if (line == "history")
            {
                foreach (var entry in _input.History.Listing()) Console.Out.WriteLine(entry);
                continue;
            }

            if (Redo(line) is not { } toRun)
            {
                lastExit = ExitCodes.UsageError;
                continue;
            }

            _input.History.Add(toRun);
            lastExit = await RunLineAsync(toRun);
        }

        return lastExit;
    }

    /// <summary>The line to run: <paramref name="line"/> itself, or for <c>redo N</c> history line N (null, reported, when none).</summary>
    private string? Redo(string line)
    {
        var words = CommandLineParser.SplitCommandLine(line).ToList();
        if (words is not ["redo", ..]) return line;
        if (words.Count == 2 && int.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number) && _input.History.At(number) is { } earlier)
        {
            return earlier;
        }

        Console.Error.WriteLine(CoordException.Format(CoordErrorCode.BadArguments, null, "redo takes the number of a line that 'history' lists"));
        return null;
    }

    private async Task<int> RunLineAsync(string line)
    {
        var words = CommandLineParser.SplitCommandLine(line).ToList();
        if (words is ["coord", ..]) words.RemoveAt(0); // a line pasted from a script
        if (words is ["help"]) words = ["--help"];
        using var interrupt = new CancellationTokenSource();
        Volatile.Write(ref _running, interrupt);
        try
        {
            return await CoordCommandLine.InvokeAsync(_commands, words, "help", interrupt.Token);
        }
        finally
        {
            Volatile.Write(ref _running, null);
        }
    }

    private string Prompt() =>
        $"[coord: {_servers}({_client.State}) {(_input.History.Lines.Count + 1).ToString(CultureInfo.InvariantCulture)}] ";

    /// <summary>Ctrl-C at the prompt ends the shell (closing its session); while a command runs, only that command stops.</summary>
    private void OnInterrupt(PosixSignalContext context)
    {
        context.Cancel = true;
        var running = Volatile.Read(ref _running);
        try
        {
            if (running is not null)
            {
                running.Cancel();
                return;
            }
        }
        catch (ObjectDisposedException)
        {
            // The command ended just now: the Ctrl-C was meant for it, not for the shell.
            return;
        }

        _input.Interrupt();
    }

    /// <summary>SIGTERM stops the command that runs, if any, and ends the shell, closing its session.</summary>
    private void OnTerminate(PosixSignalContext context)
    {
        context.Cancel = true;
        _input.Interrupt();
        try
        {
            Volatile.Read(ref _running)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The command ended just now.
        }
    }
}
