namespace OrleansCoord.Grains.Storage;

/// <summary>What one commit may hold, checked the same way by every <see cref="ITreeStore"/>.</summary>
internal static class CommitShape
{
    /// <summary>
    /// The writes to send: <see cref="CollapseTouches"/>, and more than the store's
    /// <see cref="TreeStoreLimits.MaxRecordsPerCommit"/> records is a caller's bug and throws.
    /// </summary>
    public static IReadOnlyList<RecordWrite> Normalize(IReadOnlyList<RecordWrite> writes, TreeStoreLimits limits)
    {
        var result = CollapseTouches(writes);
        if (result.Count > limits.MaxRecordsPerCommit)
            throw new ArgumentException($"a commit holds at most {limits.MaxRecordsPerCommit} records on {limits.Store}", nameof(writes));
        return result;
    }

    /// <summary>
    /// Repeated touches of one key are one condition and collapse into the first (a batch of ephemeral creates of one
    /// session, or a multi's, touches its fence once per create). Any other key written twice is a caller's bug and
    /// throws.
    /// </summary>
    public static IReadOnlyList<RecordWrite> CollapseTouches(IReadOnlyList<RecordWrite> writes)
    {
        if (writes.Count < 2) return writes; // most commits (a set) write one record: nothing to compare
        var seen = new Dictionary<string, RecordWriteKind>(writes.Count, StringComparer.Ordinal);
        List<RecordWrite>? collapsed = null;
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            if (seen.TryAdd(write.Key, write.Kind))
            {
                collapsed?.Add(write);
                continue;
            }

            if (write.Kind != RecordWriteKind.Touch || seen[write.Key] != RecordWriteKind.Touch)
                throw new ArgumentException($"a commit writes '{write.Key}' more than once", nameof(writes));
            collapsed ??= [.. writes.Take(i)];
        }

        return collapsed ?? writes;
    }
}
