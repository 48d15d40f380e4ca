using OrleansCoord.Errors;

namespace OrleansCoord.Silo.Tests;

/// <summary>How the tests read the grid's typed errors.</summary>
internal static class GridErrors
{
    /// <summary>ConnectionLoss and OperationTimeout: the outcome is unknown and the grid may answer again soon, so a
    /// poll asks again.</summary>
    public static bool IsTransient(CoordException exception) =>
        exception.Code is CoordErrorCode.ConnectionLoss or CoordErrorCode.OperationTimeout;
}
