using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Robustness.Tests.Fuzz;

/// <summary>
/// Every record of the tree (znodes, TTL/container/ephemeral indexes) as the memory store holds it. Session records
/// and fences are left out: heartbeats may touch them.
/// </summary>
public static class TreeSnapshot
{
    public static async Task<SortedDictionary<string, string>> TakeAsync(MemoryTreeStore store)
    {
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in await store.ListKeysAsync(""))
        {
            if (key.StartsWith("x:", StringComparison.Ordinal) || key.StartsWith("s:", StringComparison.Ordinal)) continue;
            if (await store.ReadAsync(key) is { } record) snapshot[key] = Convert.ToBase64String(record.Value);
        }

        return snapshot;
    }

    /// <summary>The keys added, removed or changed between two snapshots.</summary>
    public static IEnumerable<string> Differences(SortedDictionary<string, string> before, SortedDictionary<string, string> after) =>
        before.Keys.Union(after.Keys)
            .Where(key => !before.TryGetValue(key, out var a) || !after.TryGetValue(key, out var b) || a != b)
            .Select(key => key.Replace('\u0001', '|'));
}
