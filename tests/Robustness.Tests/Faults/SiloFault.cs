using Orleans.Runtime;
using OrleansCoord.Sessions;

namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>
/// Takes a silo away (killed, or stopped gracefully) and starts a new one after a few seconds. The primary silo
/// hosts the test cluster's membership, so the victim is one of the others: at the first fault the one hosting the
/// abandoned session when it is not the primary (its expiry must then survive the loss of its host), else any.
/// </summary>
public sealed class SiloFault(bool graceful) : IFault
{
    public async Task RunAsync(ChaosContext context)
    {
        var cluster = context.Cluster;
        var candidates = cluster.GetActiveSilos().Where(s => s != cluster.Primary).ToList();
        var victim = candidates[context.Random.Next(candidates.Count)];
        if (context.FaultsSoFar == 0)
        {
            var host = await cluster.Client.GetGrain<IManagementGrain>(0)
                .GetActivationAddress(cluster.Client.GetGrain<ISessionGrain>(context.DoomedSession));
            if (candidates.FirstOrDefault(s => s.SiloAddress.Equals(host)) is { } sessionHost)
            {
                victim = sessionHost;
                context.Log.Note("the victim hosts the abandoned session");
            }
        }

        context.Log.Note($"{(graceful ? "stopping" : "killing")} silo {victim.SiloAddress}");
        if (graceful) await cluster.StopSiloAsync(victim);
        else await cluster.KillSiloAsync(victim);
        context.Log.Note("silo gone");

        await Task.Delay(TimeSpan.FromMilliseconds(2000 + context.Random.Next(2000)));
        var started = await cluster.StartAdditionalSiloAsync();
        context.Log.Note($"silo {started.SiloAddress} started");
    }
}
