using Microsoft.Extensions.Logging;
using OrleansCoord.Errors;

namespace OrleansCoord.Grains.Storage;

/// <summary>
/// Remembers that this silo found the store older than what the grid had already committed through it (an emulator
/// that lost its last seconds, a restored backup), and from then on refuses every znode request with
/// DataInconsistency: serving that state would acknowledge a version or a sequence number a second time.
/// </summary>
/// <remarks>
/// The finding lives as long as the silo process: an operator who restarts the silo accepts the store as it is now.
/// Other silos find it by themselves, when one of their znodes reloads an older record (docs/GUARANTEES.md).
/// </remarks>
public sealed partial class StorageRegressionGuard(ILogger<StorageRegressionGuard> logger)
{
    private string? _finding;

    /// <summary>True once the store was found older than what was committed.</summary>
    public bool Detected => Volatile.Read(ref _finding) is not null;

    /// <summary>What was found (the znode and the revisions), or null; <c>/healthz</c> reports it.</summary>
    public string? Finding => Volatile.Read(ref _finding);

    /// <summary>Throws DataInconsistency for <paramref name="path"/> once the store was found older.</summary>
    public void ThrowIfDetected(string path)
    {
        if (Volatile.Read(ref _finding) is { } finding) throw Refusal(path, finding);
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
