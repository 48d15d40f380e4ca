using OrleansCoord.Recipes;

namespace OrleansCoord.Client;

public sealed partial class CoordClient
{
    /// <summary>
    /// What a lock, read/write lock, semaphore or election is now: its holders (session, holder name, mode, fencing
    /// token), how many wait, and the last token handed out. A read; it waits for nothing. For tools such as the grid
    /// explorer; a program that waits for a change uses the recipe's own observe call.
    /// </summary>
    public Task<LeaseView> ReadLeaseAsync(LeaseKind kind, string name, CancellationToken cancellationToken = default) =>
        LeasePolls.ReadAsync(kind, name, cancellationToken);
}
