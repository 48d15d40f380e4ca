using Orleans.Runtime;

namespace OrleansCoord.Silo.Hosting;

/// <summary>
/// Tracks whether the silo is active: set when the silo's lifecycle reaches Active, cleared as soon as it
/// starts stopping. <c>/healthz</c> answers from it.
/// </summary>
public sealed class SiloReadiness : ILifecycleParticipant<ISiloLifecycle>
{
    private volatile bool _active;

    /// <summary>True between the silo becoming active and the start of its shutdown.</summary>
    public bool IsActive => _active;

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloReadiness), ServiceLifecycleStage.Active,
            _ => { _active = true; return Task.CompletedTask; },
            _ => { _active = false; return Task.CompletedTask; });

    /// <summary>Registers the tracker as a singleton and as a silo lifecycle participant.</summary>
    public static void Add(IServiceCollection services)
    {
        services.AddSingleton<SiloReadiness>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloReadiness>());
    }
}
