using Orleans;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using OrleansCoord.Errors;

namespace OrleansCoord.Silo.Metrics;

/// <summary>
/// The grid's own meter (<c>OrleansCoord.Grid</c>): every call into one of the grid's grains, whichever front end made
/// it (SDK, CLI, proxy, ZooKeeper wire server), counted by operation (grain interface and method) and outcome (<c>ok</c>
/// or the typed error code), with its latency.
/// </summary>
/// <remarks>
/// Measured where all front ends meet, an incoming grain call filter: a counter add and a histogram record per call,
/// no allocation beyond the tag list. Orleans' system grains (namespace <c>Orleans</c>) are left to Orleans' own meter.
/// </remarks>
internal sealed class GridCallMeter : IIncomingGrainCallFilter
{
    /// <summary>The meter's name, as given to OpenTelemetry.</summary>
    public const string MeterName = "OrleansCoord.Grid";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("coord_grid_requests", description: "Calls into the grid's grains by operation and outcome");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("coord_grid_request_duration", unit: "s", description: "Latency of calls into the grid's grains");

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var type = context.InterfaceMethod?.DeclaringType;
        if (type?.Namespace?.StartsWith("OrleansCoord", StringComparison.Ordinal) != true)
        {
            await context.Invoke();
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            await context.Invoke();
        }
        catch (CoordException exception)
        {
            outcome = exception.Code.ToString();
            throw;
        }
        catch (Exception exception)
        {
            outcome = exception.GetType().Name;
            throw;
        }
        finally
        {
            var operation = new KeyValuePair<string, object?>("operation", $"{type.Name}.{context.InterfaceMethod!.Name}");
            var result = new KeyValuePair<string, object?>("outcome", outcome);
            Requests.Add(1, operation, result);
            Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, operation, result);
        }
    }
}
