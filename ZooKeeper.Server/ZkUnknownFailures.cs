using OrleansCoord.ZooKeeper.Server.Protocol;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>
/// Names in the log each failure the retry policy does not know (Grains.Interfaces/Errors/RequestRetryPolicy.cs),
/// which <see cref="ZkGridCalls"/> answers with SystemError: such an exception is a bug of the grid, not its weather,
/// and a client sees only the bare code (session 11's multi bug, a RevisionBehindException, showed as kazoo's
/// SystemZookeeperError and nothing in the silo's log). One warning per occurrence: the exception, the operation, the
/// path and the session; never the request's data.
/// </summary>
/// <remarks>The request is known where it is dispatched (<see cref="ZkOperations"/>), the exception deep in the grain
/// call; the request travels with the call's async flow, as the caller's credential does (Acls.Caller).</remarks>
internal static partial class ZkUnknownFailures
{
    private static readonly AsyncLocal<Scope?> Current = new();

    /// <summary>Marks the rest of this async flow as serving <paramref name="request"/> of <paramref name="sessionId"/>.</summary>
    public static void Enter(ILogger logger, long sessionId, ZkRequest request) =>
        Current.Value = new Scope(logger, sessionId, request.Type, Describe(request.Body));

    /// <summary>Logs <paramref name="exception"/> against the request being served; nothing outside a request.</summary>
    public static void Report(Exception exception)
    {
        if (Current.Value is not { } scope) return;
        LogUnknownFailure(scope.Logger, exception.GetType().FullName ?? exception.GetType().Name, ZkRequestMeter.OperationName(scope.Type),
            scope.Path, scope.SessionId, exception);
    }

    /// <summary>The request's path; a multi's first path and how many ops it has.</summary>
    internal static string Describe(ZkRecord body) => body switch
    {
        MultiRecord { Ops: [var first, ..] } multi => $"{Describe(first.Body)} (first of {multi.Ops.Count} ops)",
        PathRecord record => record.Path ?? "-",
        PathWatchRecord record => record.Path ?? "-",
        CreateRecord record => record.Path ?? "-",
        PathVersionRecord record => record.Path ?? "-",
        SetDataRecord record => record.Path ?? "-",
        SetAclRecord record => record.Path ?? "-",
        AddWatchRecord record => record.Path ?? "-",
        WatchTypeRecord record => record.Path ?? "-",
        _ => "-",
    };

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "ZooKeeper session 0x{SessionId:x16}: {ExceptionType} on {Operation} {Path}, which the retry policy does not know; answered SystemError")]
    private static partial void LogUnknownFailure(ILogger logger, string exceptionType, string operation, string path, long sessionId, Exception exception);

    private sealed record Scope(ILogger Logger, long SessionId, int Type, string Path);
}
