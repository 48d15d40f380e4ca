using OrleansCoord.Robustness.Tests.Cluster;

namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>SIGKILL of a silo process (any of them: with Azure Table clustering none is special), started again
/// on its ports 1–3 s later. When it is the grid's only silo, the time until it is healthy again is grid downtime.</summary>
public sealed class ProcessKillFault : IFault
{
    public async Task RunAsync(ChaosContext context)
    {
        var grid = context.Grid as SiloProcessGrid ?? throw new InvalidOperationException("ProcessKill needs silo processes");
        var index = context.Random.Next(grid.Silos.Count);
        context.Log.Note($"SIGKILL of silo process {index}");
        var killed = DateTime.UtcNow;
        await grid.Silos[index].KillAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(1000 + context.Random.Next(2000)));
        await grid.Silos[index].StartAsync(TimeSpan.FromSeconds(120));
        context.Log.Note($"silo process {index} healthy again");
        if (grid.Silos.Count == 1) context.GridDowntime += DateTime.UtcNow - killed;
    }
}
