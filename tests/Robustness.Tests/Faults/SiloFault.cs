namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>
/// Takes a silo away (killed, or stopped gracefully) and starts a new one after a few seconds. The primary silo
/// hosts the test cluster's membership, so the victim is one of the others.
/// </summary>
public sealed class SiloFault(bool graceful) : IFault
{
    public async Task RunAsync(ChaosContext context)
    {
        var cluster = context.Cluster;
        var candidates = cluster.GetActiveSilos().Where(s => s != cluster.Primary).ToList();
        var victim = candidates[context.Random.Next(candidates.Count)];
        context.Log.Note($"{(graceful ? "stopping" : "killing")} silo {victim.SiloAddress}");
        if (graceful) await cluster.StopSiloAsync(victim);
        else await cluster.KillSiloAsync(victim);
        context.Log.Note("silo gone");

        await Task.Delay(TimeSpan.FromMilliseconds(2000 + context.Random.Next(2000)));
        var started = await cluster.StartAdditionalSiloAsync();
        context.Log.Note($"silo {started.SiloAddress} started");
    }
}
