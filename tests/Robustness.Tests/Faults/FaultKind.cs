namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>The faults a run can inject, one per run.</summary>
public enum FaultKind
{
    /// <summary>A silo dies without leaving the cluster (an ungraceful stop), then a new one starts.</summary>
    SiloKill,

    /// <summary>A silo shuts down gracefully, then a new one starts.</summary>
    SiloStop,

    /// <summary>Azurite is frozen with SIGSTOP for 1–3 s, then continued.</summary>
    StorageFreeze,

    /// <summary>Another writer rewrites the records of the shared registers, so the grains' ETags go stale.</summary>
    EtagConflict,

    /// <summary>Tree store commits fail before being applied, after being applied (reply lost), or are applied and
    /// answered with a conflict (the Azure SDK's resend of a transaction whose reply was lost).</summary>
    StoreCommitFault,

    /// <summary>A silo process (OrleansCoord.Silo, one of three) is killed with SIGKILL and started again on its ports.</summary>
    ProcessKill,

    /// <summary>
    /// The one silo process of a grid on the Azurite that silo started itself (the README's default run) is killed with
    /// SIGKILL and started again on its ports and folder 1–3 s later: its Azurite ends with it, and must save first.
    /// </summary>
    EmbeddedAzuriteProcessKill,

    /// <summary>
    /// Three silo processes on the Postgres profile (a PostgreSQL of the run's own); one silo and PostgreSQL are
    /// SIGKILLed together, as in a power loss, and started again (PostgreSQL first, with its crash recovery) 1–3 s later.
    /// </summary>
    PostgresPowerLoss,
}
