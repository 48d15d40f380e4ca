namespace OrleansCoord.Grains.Storage;

/// <summary>
/// What one commit of an <see cref="ITreeStore"/> may hold, and so how many ops a multi may carry: a property of the
/// store, because the bounds come from the store's transactions, not from the grid's rules (ADR 001, ADR 012).
/// </summary>
/// <param name="Store">The store's name, for error messages.</param>
/// <param name="MaxRecordsPerCommit">Most records one commit may write (repeated touches of a key count once).</param>
/// <param name="MaxMultiOps">Most ops one multi may hold; at most <see cref="OrleansCoord.ZNodes.ZNodeLimits.MaxMultiOps"/>.</param>
public sealed record TreeStoreLimits(string Store, int MaxRecordsPerCommit, int MaxMultiOps)
{
    /// <summary>
    /// Azure Table: a commit is one entity-group transaction, at most 100 entities of one partition; 96 records
    /// leave room for the overflow entities of large values, and a multi of 32 ops (each a record, an index row and
    /// its parent's record at most) fits.
    /// </summary>
    public static readonly TreeStoreLimits AzureTable = new("Azure Table", 96, 32);
}
