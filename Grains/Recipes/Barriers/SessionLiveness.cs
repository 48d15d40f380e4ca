using OrleansCoord.Grains.Sessions;
using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Grains.Recipes.Barriers;

/// <summary>
/// Whether sessions still live, read from their records in the tree store (not by calling the session grain,
/// which would count as a heartbeat and keep a dead client's session alive).
/// </summary>
internal static class SessionLiveness
{
    public static async Task<bool> IsOpenAsync(ITreeStore store, long sessionId)
    {
        var stored = await store.ReadAsync(TreeKeys.SessionRecord(sessionId));
        return stored is not null && !SessionRecordCodec.Instance.Decode(stored.Value).Closing;
    }

    /// <summary>The sessions among <paramref name="sessionIds"/> that have ended (closed, closing or expired).</summary>
    public static async Task<HashSet<long>> EndedAsync(ITreeStore store, IEnumerable<long> sessionIds)
    {
        var ended = new HashSet<long>();
        foreach (var chunk in sessionIds.Distinct().Chunk(32))
        {
            var open = await Task.WhenAll(chunk.Select(id => IsOpenAsync(store, id)));
            ended.UnionWith(chunk.Where((_, i) => !open[i]));
        }

        return ended;
    }
}
