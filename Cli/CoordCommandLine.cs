using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using OrleansCoord.Cli.Commands;
using OrleansCoord.Cli.Sessions;
using OrleansCoord.Cli.Shell;

namespace OrleansCoord.Cli;

/// <summary>The command tree of <c>coord</c> and how a parse turns into an exit code.</summary>
internal static class CoordCommandLine
{
    /// <summary>Builds the root command with the global options and every command group.</summary>
    /// <param name="sessions">Where the commands get their session. With one session per run, <c>coord</c> without a
    /// command starts the interactive shell; inside the shell, the same tree runs on the shell's session.</param>
    public static RootCommand Build(ISessionSource sessions)
    {
        var globals = new GlobalOptions(sessions);
        var root = new RootCommand("coord: the OrleansCoord command-line client (zkCli-like). Without a command: an interactive shell on one session.");
        globals.AddTo(root);
        root.Add(CreateCommand.Build(globals));
        root.Add(GetCommand.Build(globals));
        root.Add(SetCommand.Build(globals));
        root.Add(RemoveCommand.Build(globals));
        root.Add(DeleteAllCommand.Build(globals));
        root.Add(ListCommand.Build(globals));
        root.Add(StatCommand.BuildStat(globals));
        root.Add(StatCommand.BuildExists(globals));
        root.Add(WatchCommand.Build(globals));
        root.Add(AclCommands.BuildGetAcl(globals));
        root.Add(AclCommands.BuildSetAcl(globals));
        root.Add(RecipeAclCommand.Build(globals));
        root.Add(QueueCommand.Build(globals));
        root.Add(CounterCommand.Build(globals));
        root.Add(BarrierCommand.Build(globals));
        root.Add(ServicesCommand.Build(globals));
        root.Add(LockCommand.Build(globals));
        root.Add(ElectCommand.Build(globals));
        root.Add(ProxyCommand.Build(globals));
        if (!globals.InShell) root.SetAction((parse, _) => CoordShell.RunAsync(parse, globals));
        return root;
    }

    /// <summary>Runs <c>coord</c> with the process's arguments and returns its exit code.</summary>
    public static Task<int> RunAsync(string[] args) => InvokeAsync(Build(new PerCommandSessions()), args, "coord --help", interrupt: null);

    /// <summary>Parses <paramref name="args"/> against <paramref name="root"/>, runs the command and returns the exit code.</summary>
    /// <param name="help">How the user asks for usage, named in a usage error.</param>
    /// <param name="interrupt">Cancelled to stop the command (the shell's own Ctrl-C); null: Ctrl-C and SIGTERM stop it.</param>
    public static async Task<int> InvokeAsync(RootCommand root, IReadOnlyList<string> args, string help, CancellationToken? interrupt)
    {
        var parse = root.Parse(args);

        // System.CommandLine would print the errors and the whole help text and return 1; a usage error
        // gets exit code 2 (as getopt-style tools do) and one short line that a script's log can hold.
        if (parse.Action is ParseErrorAction)
        {
            Console.Error.WriteLine(UsageErrors.OneLine(parse.Errors, help));
            return ExitCodes.UsageError;
        }

        // The commands catch their own failures (CommandRunner); the default handler would print a stack trace.
        // The shell handles Ctrl-C itself (CoordShell): it stops the command that runs, not the shell.
        var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        var isShell = parse.CommandResult.Command == root && parse.Action is not HelpAction;
        if (isShell || interrupt is not null) invocation.ProcessTerminationTimeout = null;
        return await parse.InvokeAsync(invocation, interrupt ?? CancellationToken.None);
    }
}
