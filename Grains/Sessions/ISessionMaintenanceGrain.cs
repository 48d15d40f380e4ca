using OrleansCoord.Grains.InternalCalls;
namespace OrleansCoord.Grains.Sessions;

/// <summary>The sweeper's handle on a session: activating it restarts its expiry clock on a live silo.</summary>
[GridInternal]
[Alias("coord.session.maintenance")]
public interface ISessionMaintenanceGrain : IGrainWithIntegerKey
{
    [Alias("touch")] Task Touch();
}
