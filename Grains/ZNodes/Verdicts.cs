namespace OrleansCoord.Grains.ZNodes;

/// <summary>Delivers a transaction's outcome to its participants.</summary>
internal static class Verdicts
{
    /// <summary>How long a coordinator waits for participants to take the verdict before it answers its caller.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Sends the outcome to every participant and waits at most <see cref="Patience"/>. A participant that does
    /// not answer in time is on a dead or stalled silo: until it settles, it blocks its own readers, and it settles
    /// from storage (a new activation loads what was committed), so answering the caller first is safe.
    /// </summary>
    public static async Task DeliverAsync(IEnumerable<(IZNodeParticipantGrain Participant, Guid TxId)> participants,
        TxOutcome outcome, IReadOnlyDictionary<string, string>? tokens)
    {
        var copy = tokens is null ? null : new Dictionary<string, string>(tokens);
        var delivery = Task.WhenAll(participants.Select(p => p.Participant.TxResolve(p.TxId, outcome, copy)));
        try
        {
            await delivery.WaitAsync(Patience);
        }
        catch (Exception)
        {
            // Timed out or the silo is gone: see above. Observe the failure so it is not reported as unobserved.
            _ = delivery.ContinueWith(t => t.Exception, TaskScheduler.Default);
        }
    }
}
