using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>Delivers a transaction's outcome to its participants.</summary>
internal static class Verdicts
{
    /// <summary>
    /// Sends the outcome to every participant, one-way (<see cref="IZNodeParticipantGrain.TxResolve"/>): the coordinator
    /// answers its caller without waiting for them to take it. That is safe because a prepared participant does not
    /// know the outcome and so lets no reader or writer through until the verdict comes, or until it settles from
    /// storage on its own after the in-doubt timeout (a participant on a dead or stalled silo, or a lost message): no
    /// one can see it in a state older than the answer. Waiting for the verdict's answer cost each deleted child a
    /// response message more, and the parent's next batch the wait.
    /// </summary>
    /// <remarks>Each participant gets its own record's new token only: a copy of the whole commit's tokens in every
    /// verdict cost a parent deleting ~90 children ~90 copies of a ~90-entry dictionary per batch.</remarks>
    public static void Deliver(IEnumerable<(IZNodeParticipantGrain Participant, Guid TxId)> participants,
        TxOutcome outcome, IReadOnlyDictionary<string, string>? tokens)
    {
        foreach (var (participant, txId) in participants)
        {
            try
            {
                var sent = participant.TxResolve(txId, outcome, OwnToken(participant, tokens));
                // One-way calls complete at once; one still in the outgoing filters may fail later: observe it.
                if (!sent.IsCompleted) _ = sent.ContinueWith(static t => t.Exception, TaskScheduler.Default);
            }
            catch (Exception)
            {
                // Not sent (the silo is stopping): the participant settles on its own, as after a lost message.
            }
        }
    }

    /// <summary>The new storage token of the participant's own record in <paramref name="tokens"/> (null: none, or
    /// its record was deleted).</summary>
    private static string? OwnToken(IZNodeParticipantGrain participant, IReadOnlyDictionary<string, string>? tokens) =>
        tokens?.GetValueOrDefault(TreeKeys.Node(participant.GetPrimaryKeyString()));
}
