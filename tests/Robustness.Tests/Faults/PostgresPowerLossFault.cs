using OrleansCoord.Robustness.Tests.Cluster;

namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>
/// A power loss on the Postgres profile: one silo process and PostgreSQL SIGKILLed together (PostgreSQL with all its
/// backends: nothing is flushed that was not), then PostgreSQL started again on its data (crash recovery from the WAL)
/// and the silo on its ports, 1–3 s later. The time until PostgreSQL accepts connections again is grid downtime.
/// </summary>
public sealed class PostgresPowerLossFault : IFault
{
    public async Task RunAsync(ChaosContext context)
    {
        var grid = context.Grid as SiloProcessGrid ?? throw new InvalidOperationException("PostgresPowerLoss needs silo processes");
        var postgres = grid.Postgres ?? throw new InvalidOperationException("PostgresPowerLoss needs a grid on the Postgres profile");
        var index = context.Random.Next(grid.Silos.Count);
        context.Log.Note($"SIGKILL of silo process {index} and of PostgreSQL");
        var killed = DateTime.UtcNow;
        await Task.WhenAll(grid.Silos[index].KillAsync(), postgres.KillHardAsync());
        await Task.Delay(TimeSpan.FromMilliseconds(1000 + context.Random.Next(2000)));
        await postgres.StartAgainAsync();
        context.Log.Note("PostgreSQL accepts connections again");
        // No silo can end a session while the store is down (its ephemerals' deletes must be written): the store's
        // downtime is grid downtime for the expiry bound, as a lone silo's is (ProcessKillFault).
        context.GridDowntime += DateTime.UtcNow - killed;
        await grid.Silos[index].StartAsync(TimeSpan.FromSeconds(120));
        context.Log.Note($"silo process {index} healthy again");
    }
}
