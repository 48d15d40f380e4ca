using System.CommandLine;

namespace OrleansCoord.Cli.Commands;

/// <summary><c>proxy route|cluster|ls|status</c>: the reverse proxy's configuration in the grid.</summary>
internal static class ProxyCommand
{
    public static Command Build(GlobalOptions globals) => new("proxy", "Configure the reverse proxy (routes, clusters) and list what it serves.")
    {
        ProxyRouteCommands.Build(globals),
        ProxyClusterCommands.Build(globals),
        ProxyListCommand.Build(globals),
        ProxyStatusCommand.Build(globals),
    };
}
