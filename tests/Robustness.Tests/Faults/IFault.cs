namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>One fault: <see cref="RunAsync"/> injects it, lets traffic run into it, and heals it before returning.</summary>
public interface IFault
{
    Task RunAsync(ChaosContext context);
}

public static class Faults
{
    public static IFault Of(FaultKind kind) => kind switch
    {
        FaultKind.SiloKill => new SiloFault(graceful: false),
        FaultKind.SiloStop => new SiloFault(graceful: true),
        FaultKind.StorageFreeze => new StorageFreezeFault(),
        FaultKind.EtagConflict => new EtagConflictFault(),
        FaultKind.StoreCommitFault => new StoreCommitFault(),
        FaultKind.ProcessKill or FaultKind.EmbeddedAzuriteProcessKill => new ProcessKillFault(),
        FaultKind.PostgresPowerLoss => new PostgresPowerLossFault(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
