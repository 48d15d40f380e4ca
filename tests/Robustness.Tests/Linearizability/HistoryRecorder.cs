using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansCoord.Errors;

namespace OrleansCoord.Robustness.Tests.Linearizability;

/// <summary>Records operations from many clients at once on one monotonic clock (microseconds since it started).</summary>
public sealed class HistoryRecorder
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly ConcurrentQueue<Operation> _operations = new();

    public long Now => (long)Stopwatch.GetElapsedTime(_start).TotalMicroseconds;

    public IReadOnlyList<Operation> Operations => _operations.OrderBy(op => op.Call).ToList();

    public void Add(Operation operation) => _operations.Enqueue(operation);

    /// <summary>
    /// Runs <paramref name="request"/> and records it. A typed error is recorded as the answer; ConnectionLoss,
    /// OperationTimeout and SystemError as an unknown outcome (the write may or may not have been applied).
    /// </summary>
    public async Task<OpOutput> RecordAsync(int client, string key, RegisterOp op, OpInput input, Func<Task<OpOutput>> request)
    {
        var call = Now;
        OpOutput output;
        try
        {
            output = await request();
        }
        catch (CoordException exception)
        {
            output = IsOutcomeUnknown(exception.Code) ? OpOutput.Unknown : new OpOutput(exception.Code);
        }

        Add(new Operation(client, key, op, input, output, call, Now));
        return output;
    }

    public static bool IsOutcomeUnknown(CoordErrorCode code) =>
        code is CoordErrorCode.ConnectionLoss or CoordErrorCode.OperationTimeout or CoordErrorCode.SystemError;
}
