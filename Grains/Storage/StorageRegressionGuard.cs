using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OrleansCoord.Errors;

namespace OrleansCoord.Grains.Storage;

/// <summary>
/// Remembers that this silo found the store older than what the grid had already committed through it (an emulator
/// that lost its last seconds, a restored backup), and from then on refuses every znode and recipe request with
/// DataInconsistency: serving that state would acknowledge a version or a sequence number a second time.
/// </summary>
/// <remarks>
/// The finding lives as long as the silo process: an operator who restarts the silo accepts the store as it is now.
/// Other silos find it by themselves, when one of their znodes reloads an older record (docs/GUARANTEES.md).
/// </remarks>
public sealed partial class StorageRegressionGuard(ILogger<StorageRegressionGuard> logger)
{
    /// <summary>Past this many records the witness starts again: forgetting only means a regression found later.</summary>
    private const int WitnessLimit = 100_000;

    private string? _finding;

    /// <summary>For records whose grains do not keep their activation (recipes retire on a conflict or a store
    /// failure, which is what a store that went back in time causes): the highest mark committed through this silo.</summary>
    private readonly ConcurrentDictionary<string, long> _committed = new(StringComparer.Ordinal);

    /// <summary>What was found (the znode and the revisions), or null; <c>/healthz</c> reports it.</summary>
    public string? Finding => Volatile.Read(ref _finding);

    /// <summary>Throws DataInconsistency for <paramref name="path"/> once the store was found older.</summary>
    public void ThrowIfDetected(string path)
    {
        if (Volatile.Read(ref _finding) is { } finding) throw Refusal(path, finding);
    }

    /// <summary>Remembers that <paramref name="key"/> was committed through this silo at <paramref name="mark"/>, a number
    /// its commits only increase (a commit count, the last fencing token).</summary>
    public void Committed(string key, long mark)
    {
        if (_committed.Count >= WitnessLimit && !_committed.ContainsKey(key)) _committed.Clear();
        _committed.AddOrUpdate(key, mark, (_, known) => Math.Max(known, mark));
    }

    /// <summary>
    /// Checks <paramref name="key"/> read back at <paramref name="mark"/> against what was committed through this silo;
    /// throws DataInconsistency (and from then on refuses everything) when it is lower. Records read back absent are
    /// not checked: nothing tells a record that was lost from one that never was.
    /// </summary>
    public void Witness(string key, long mark, string subject, string what)
    {
        if (_committed.TryGetValue(key, out var known) && mark < known)
            throw Report(subject, $"{key} read back at {what} {mark} after {what} {known} was committed");
    }

    /// <summary>Records the finding (logged once, as critical) and returns the refusal to throw for <paramref name="path"/>.</summary>
    public CoordException Report(string path, string finding)
    {
        if (Interlocked.CompareExchange(ref _finding, $"{path}: {finding}", null) is null) LogDetected(logger, path, finding);
        return Refusal(path, Volatile.Read(ref _finding)!);
    }

    private static CoordException Refusal(string path, string finding) =>
        new(CoordErrorCode.DataInconsistency, path,
            $"storage went back in time ({finding}); it lost writes the grid acknowledged, so this silo serves nothing from it until restarted");

    [LoggerMessage(Level = LogLevel.Critical, Message = "Storage went back in time: {Path} {Finding}. The store lost writes the grid " +
        "acknowledged (an Azurite that crashed loses up to 5 s of them). This silo refuses every znode request with DataInconsistency " +
        "so that no version or sequence number is acknowledged twice; restart it to serve the store as it is now")]
    private static partial void LogDetected(ILogger logger, string path, string finding);
}
