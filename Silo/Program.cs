using OrleansCoord.Explorer.Hosting;
using OrleansCoord.Silo.Hosting;
using OrleansCoord.Silo.Metrics;
using OrleansCoord.Silo.ProxyStart;
using OrleansCoord.ZooKeeper.Server;

// An OrleansCoord silo. Each step is a builder extension in Hosting/; Azurite and PostgreSQL start-up are in
// Silo.Launchers/, the ZooKeeper server in ZooKeeper.Server/.

// 1. Configuration: appsettings.json (next to the dll), COORD_* environment variables, then flags.
//    --help prints the flags; a bad value prints one line and exits with 2.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
if (!builder.TryLoadSiloHostOptions(args, out var options, out var exitCode))
{
    return exitCode;
}

// 2. The silo: Azurite when needed, clustering, storage, streams, the grid, the dashboard, logging;
//    the ZooKeeper wire protocol on its own port (ZooKeeper.Server/).
builder.AddCoordSilo(options);
builder.AddZooKeeperFrontEnd(options);

// 3. The reverse proxy as a child process (ProxyStart/): started once the silo is active, stopped before it leaves.
builder.AddProxyChild(options);
builder.AddCoordMetrics();

// 4. HTTP front ends on the HTTP port.
var app = builder.Build();
app.UseHttpPortGuard(); // loopback, or TLS and credentials for all but /healthz (AdminAccess/, docs/adr/016)
app.MapHealthz();
app.MapDashboard(options);
app.MapCoordMetrics(); // Prometheus' /metrics (Metrics/)
app.MapZooKeeperAdmin(); // ZooKeeper's AdminServer commands, /commands/<name> (ZooKeeper.Server/)
app.MapGridExplorer(new() { EditEnabled = options.ExplorerEdit }); // the grid explorer, /explorer (Explorer/)

// 5. Run until SIGTERM / Ctrl-C; shut down gracefully.
return await app.RunCoordSiloAsync(options);
