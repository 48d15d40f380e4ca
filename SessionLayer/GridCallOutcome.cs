using OrleansCoord.Errors;

namespace OrleansCoord.SessionLayer;

/// <summary>
/// What one grid call came to: its value (<see cref="Error"/> Ok, <see cref="Failure"/> null), or the ZooKeeper error
/// code it ends with and the exception behind it. A value, not an exception, so that the ZooKeeper server answers a
/// code without a throw per failed request; the SDK turns it into its exceptions (Client/RequestRunner.cs).
/// </summary>
/// <param name="Value">The call's result; default when it failed.</param>
/// <param name="Error">Ok, or the code to answer.</param>
/// <param name="Failure">What the last attempt threw; null on success.</param>
/// <param name="IsUnknownFailure">The retry policy does not know <paramref name="Failure"/> (answered SystemError): a bug
/// of the grid, not its weather.</param>
public readonly record struct GridCallOutcome<T>(T? Value, CoordErrorCode Error, Exception? Failure = null, bool IsUnknownFailure = false)
{
    /// <summary>The value and the code, as the ZooKeeper server reads them.</summary>
    public void Deconstruct(out T? value, out CoordErrorCode error)
    {
        value = Value;
        error = Error;
    }
}
