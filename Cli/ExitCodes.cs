namespace OrleansCoord.Cli;

/// <summary>What <c>coord</c> returns to the shell, so that scripts can tell a grid answer from a typo.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked (for <c>exists</c>: the node exists).</summary>
    public const int Ok = 0;

    /// <summary>The grid refused or could not be reached: NoNode, BadVersion, NotEmpty, ConnectionLoss, ...</summary>
    public const int GridError = 1;

    /// <summary>The command line was wrong: unknown option, invalid path or version (BadArguments), nothing sent.</summary>
    public const int UsageError = 2;

    /// <summary>Interrupted by Ctrl+C or SIGTERM, as shells report 128 + SIGINT.</summary>
    public const int Interrupted = 130;
}
