using System.Runtime.ExceptionServices;
using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.SessionLayer;

namespace OrleansCoord.Client;

/// <summary>
/// Runs one grid request of the SDK on the session layer's retry loop (SessionLayer/GridCalls.cs, shared with the
/// ZooKeeper server) and throws what it ends with: ZooKeeper's ConnectionLoss / OperationTimeout when the outcome is
/// unknown, the grid's own CoordException as it came, a failure the retry policy does not know as it came.
/// </summary>
internal sealed class RequestRunner(TimeSpan requestTimeout)
{
    // Reads are retried within the request timeout, writes only when refused without being applied, for as long.
    private readonly GridCallRules _rules = new() { WritePatience = requestTimeout };

    /// <summary>How long one request may take (the Orleans response timeout of the client).</summary>
    public TimeSpan RequestTimeout => requestTimeout;

    /// <summary>The same rules, each attempt carrying the session's credential as it is then (the znode calls).</summary>
    public GridCallRules RulesCarrying(Func<CallerCredential> credential) => new() { WritePatience = requestTimeout, Credential = credential };

    public async Task<T> RunAsync<T>(string? path, bool idempotent, Func<Task<T>> request, CancellationToken cancellationToken) =>
        ValueOrThrow(await GridCalls.RunAsync(request, idempotent ? requestTimeout : null, _rules, cancellationToken), path);

    /// <summary>The value, or the outcome's failure as the SDK throws it.</summary>
    internal static T ValueOrThrow<T>(GridCallOutcome<T> outcome, string? path)
    {
        if (outcome.Failure is not { } failure) return outcome.Value!;
        // A bug to surface, or the grid's own answer (NoNode, BadVersion, ...): thrown as it came, with its stack.
        if (outcome.IsUnknownFailure || failure is CoordException) ExceptionDispatchInfo.Throw(failure);
        throw new CoordException(outcome.Error, path, failure.Message);
    }
}
