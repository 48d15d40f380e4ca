using OrleansCoord.Client.Recipes;

namespace OrleansCoord.Client;

public sealed partial class CoordClient
{
    private LeasePolls? _leasePolls;

    /// <summary>Exclusive, FIFO-fair, reentrant locks with fencing tokens, released when this session ends.</summary>
    public Locks Locks => new(LeasePolls);

    /// <summary>Many readers or one writer, FIFO-fair, released when this session ends.</summary>
    public ReadWriteLocks ReadWriteLocks => new(LeasePolls);

    /// <summary>Counting semaphores (N leases), released when this session ends.</summary>
    public Semaphores Semaphores => new(LeasePolls);

    /// <summary>Leader elections: campaign, resign, observe; leadership ends with this session.</summary>
    public Elections Elections => new(LeasePolls);

    private LeasePolls LeasePolls => _leasePolls ??= new LeasePolls(this);

    internal IGrainFactory GrainFactory => _grains;

    internal RequestRunner Runner => _runner;

    internal void EnsureOpen() => ThrowIfEnded();
}
