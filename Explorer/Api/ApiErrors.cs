using Microsoft.AspNetCore.Http;
using OrleansCoord.Errors;

namespace OrleansCoord.Explorer.Api;

/// <summary>
/// Runs an API request and turns the grid's typed errors into one-line JSON answers with a fitting status
/// (<c>{"error":"NoNode","message":"…"}</c>, 404), never a stack trace.
/// </summary>
internal static class ApiErrors
{
    public static async Task<IResult> RunAsync(Func<Task<IResult>> request)
    {
        try
        {
            return await request();
        }
        catch (CoordException exception)
        {
            return Of(exception);
        }
        catch (OperationCanceledException)
        {
            return Error("OperationTimeout", "the request was cancelled or timed out", StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>The answer for a typed error of the grid.</summary>
    public static IResult Of(CoordException exception) => Error(exception.Code.ToString(), exception.Message, StatusOf(exception.Code));

    /// <summary>An error answer.</summary>
    public static IResult Error(string error, string message, int status) =>
        Results.Json(new { error, message }, statusCode: status);

    private static int StatusOf(CoordErrorCode code) => code switch
    {
        CoordErrorCode.NoNode => StatusCodes.Status404NotFound,
        CoordErrorCode.NoAuth or CoordErrorCode.AuthFailed => StatusCodes.Status403Forbidden,
        CoordErrorCode.NodeExists or CoordErrorCode.BadVersion or CoordErrorCode.NotEmpty
            or CoordErrorCode.NoChildrenForEphemerals => StatusCodes.Status409Conflict,
        CoordErrorCode.BadArguments or CoordErrorCode.InvalidAcl => StatusCodes.Status400BadRequest,
        CoordErrorCode.ConnectionLoss or CoordErrorCode.OperationTimeout or CoordErrorCode.SessionExpired => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };
}
