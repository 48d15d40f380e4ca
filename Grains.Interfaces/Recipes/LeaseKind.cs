namespace OrleansCoord.Recipes;

/// <summary>The recipes built on one lease grain: each names its own space of recipe names.</summary>
public enum LeaseKind
{
    /// <summary>Exclusive, FIFO-fair, reentrant for the same holder; the token is a fencing token.</summary>
    Lock,

    /// <summary>Many readers or one writer, FIFO-fair so that a waiting writer is not starved.</summary>
    ReadWriteLock,

    /// <summary>At most N leases at a time; each acquire is its own lease.</summary>
    Semaphore,

    /// <summary>Candidates queue for leadership; the holder leads and its token is the term.</summary>
    Election,
}
