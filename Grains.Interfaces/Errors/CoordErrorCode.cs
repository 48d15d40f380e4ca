namespace OrleansCoord.Errors;

/// <summary>
/// Error codes with ZooKeeper's names and numbers, so that users of ZooKeeper recognise them
/// and the wire-protocol front end can send them unchanged.
/// </summary>
public enum CoordErrorCode
{
    Ok = 0,
    SystemError = -1,
    RuntimeInconsistency = -2,
    DataInconsistency = -3,
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
