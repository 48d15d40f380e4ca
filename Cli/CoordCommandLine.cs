using System.CommandLine;
using System.CommandLine.Invocation;
using OrleansCoord.Cli.Commands;
using OrleansCoord.Errors;

namespace OrleansCoord.Cli;

/// <summary>The command tree of <c>coord</c> and how a parse turns into an exit code.</summary>
internal static class CoordCommandLine
{
    /// <summary>Builds the root command with the global options and every command group.</summary>
    public static RootCommand Build()
    {
        var globals = new GlobalOptions();
        var root = new RootCommand("coord: the OrleansCoord command-line client (zkCli-like).");
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
        root.Add(QueueCommand.Build(globals));
        root.Add(CounterCommand.Build(globals));
        root.Add(BarrierCommand.Build(globals));
        root.Add(ServicesCommand.Build(globals));
        root.Add(LockCommand.Build(globals));
        root.Add(ElectCommand.Build(globals));
        root.Add(ProxyCommand.Build(globals));
        return root;
    }

    /// <summary>Parses <paramref name="args"/>, runs the command and returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var parse = Build().Parse(args);

        // System.CommandLine would print the errors and the whole help text and return 1; a usage error
        // gets exit code 2 (as getopt-style tools do) and short lines that a script's log can hold.
        if (parse.Action is ParseErrorAction)
        {
            foreach (var error in parse.Errors)
            {
                Console.Error.WriteLine(CoordException.Format(CoordErrorCode.BadArguments, null, error.Message));
            }

            Console.Error.WriteLine("Run 'coord --help' for usage.");
            return ExitCodes.UsageError;
        }

        // The commands catch their own failures (CommandRunner); the default handler would print a stack trace.
        var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        return await parse.InvokeAsync(invocation);
    }
}
