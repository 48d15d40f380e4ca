namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>How a run goes. Every random choice of a run (workload, victim, pauses) follows from <see cref="Seed"/>.</summary>
public sealed record ChaosSettings(FaultKind Fault, int Seed)
{
    public int Clients { get; init; } = 8;

    public int SharedKeys { get; init; } = 3;

    /// <summary>Traffic before the first fault.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Traffic after the (last) fault healed.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>For a soak: keep injecting the fault, one every <see cref="FaultEvery"/>, for this long.</summary>
    public TimeSpan? SoakFor { get; init; }

    public TimeSpan FaultEvery { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The session timeout of the client that is abandoned at the first fault.</summary>
    public TimeSpan DoomedSessionTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A seed from COORD_CHAOS_SEED when set (to repeat a run), otherwise a fresh one.</summary>
    public static int SeedFromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable("COORD_CHAOS_SEED"), out var seed) ? seed : Random.Shared.Next();

    public override string ToString() => $"fault {Fault}, seed {Seed} (repeat with COORD_CHAOS_SEED={Seed})";
}
