using System.Collections.Concurrent;
using System.Globalization;

namespace OrleansCoord.Grains.Storage;

/// <summary>
/// The tree store in process memory, with the same conditional, atomic commits as the durable one.
/// Silos of one process that use the same name share one store. For tests only.
/// </summary>
public sealed class MemoryTreeStore : ITreeStore
{
    private static readonly ConcurrentDictionary<string, MemoryTreeStore> Shared = new();

    private readonly object _lock = new();
    private readonly Dictionary<string, (byte[] Value, long Version)> _records = new(StringComparer.Ordinal);

    // Sorted keys, so that a prefix listing is a range, not a scan of every record (the sweeper lists often).
    private readonly SortedSet<string> _keys = new(StringComparer.Ordinal);
    private long _nextVersion;

    /// <summary>The store shared under <paramref name="name"/> in this process.</summary>
    public static MemoryTreeStore GetShared(string name) => Shared.GetOrAdd(name, _ => new MemoryTreeStore());

    /// <summary>Forgets the store shared under <paramref name="name"/>.</summary>
    public static void Reset(string name) => Shared.TryRemove(name, out _);

    /// <summary>Azure Table's by default, so that grain tests on memory keep within the default store's bounds.</summary>
    public TreeStoreLimits Limits { get; init; } = TreeStoreLimits.AzureTable;

    /// <summary>Called before each commit is applied; a test may throw from it to simulate a storage fault.</summary>
    public Action<IReadOnlyList<RecordWrite>>? BeforeCommit { get; set; }

    public Task<StoredRecord?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_records.TryGetValue(key, out var record)
                ? new StoredRecord(key, record.Value, Token(record.Version))
                : null);
        }
    }

    public Task<List<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            // Keys never contain U+FFFF (paths exclude U+FFF0-U+FFFF), so the view ends after the last match.
            return Task.FromResult(_keys.GetViewBetween(prefix, prefix + '\uffff').ToList());
        }
    }

    public Task<CommitResult> CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = Commit(writes);
        StoreMeter.RecordCommit(Profile, started, result);
        StoreMeter.RecordBatch(Profile, 1);
        return Task.FromResult(result);
    }

    /// <summary>The store profile's name in the metrics.</summary>
    private const string Profile = "Memory";

    private CommitResult Commit(IReadOnlyList<RecordWrite> writes)
    {
        writes = CommitShape.Normalize(writes, Limits);
        BeforeCommit?.Invoke(writes);
        lock (_lock)
        {
            foreach (var write in writes)
            {
                var exists = _records.TryGetValue(write.Key, out var current);
                var holds = write.Kind switch
                {
                    RecordWriteKind.Insert => !exists,
                    RecordWriteKind.Touch => exists,
                    _ => exists && (write.Token == "*" || write.Token == Token(current.Version)),
                };
                if (!holds) return CommitResult.Conflict(write.Key);
            }

            var tokens = new Dictionary<string, string>(writes.Count, StringComparer.Ordinal);
            foreach (var write in writes)
            {
                switch (write.Kind)
                {
                    case RecordWriteKind.Delete:
                        _records.Remove(write.Key);
                        _keys.Remove(write.Key);
                        break;
                    case RecordWriteKind.Touch:
                        tokens[write.Key] = Token(_records[write.Key].Version);
                        break;
                    default:
                        var version = ++_nextVersion;
                        _records[write.Key] = (write.Value ?? [], version);
                        _keys.Add(write.Key);
                        tokens[write.Key] = Token(version);
                        break;
                }
            }

            return CommitResult.Success(tokens);
        }
    }

    private static string Token(long version) => version.ToString(CultureInfo.InvariantCulture);
}
