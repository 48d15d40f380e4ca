namespace OrleansCoord.Errors;

/// <summary>
/// Error codes with ZooKeeper's names and numbers, so that users of ZooKeeper recognise them
/// and the wire-protocol front end can send them unchanged.
/// </summary>
public enum CoordErrorCode
{
    Ok = 0,
    /// <summary>
    /// The grid could not finish the request (storage unavailable, an untyped failure). A write that fails so may have
    /// been applied: its outcome is unknown, as with <see cref="ConnectionLoss"/> (docs/GUARANTEES.md, item 9).
    /// </summary>
    SystemError = -1,
    RuntimeInconsistency = -2,

    /// <summary>
    /// The silo found its store older than what the grid had committed (it lost acknowledged writes) and serves
    /// nothing from it until restarted (docs/GUARANTEES.md, item 1a).
    /// </summary>
    DataInconsistency = -3,

    /// <summary>The answer did not come back: the request may or may not have been applied.</summary>
    ConnectionLoss = -4,
    MarshallingError = -5,
    Unimplemented = -6,
    OperationTimeout = -7,
    BadArguments = -8,
    UnknownSession = -12,
    ApiError = -100,
    NoNode = -101,
    NoAuth = -102,
    BadVersion = -103,
    NoChildrenForEphemerals = -108,
    NodeExists = -110,
    NotEmpty = -111,
    SessionExpired = -112,
    InvalidCallback = -113,
    InvalidAcl = -114,
    AuthFailed = -115,
    SessionMoved = -118,
    NotReadOnly = -119,
    NoWatcher = -121,
    RequestTimeout = -122,
    QuotaExceeded = -125,
    Throttled = -127,
}
