using System.Collections.Concurrent;
using System.Reflection;
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
/// no allocation on the way (the operation's name is made once per method). Orleans' system grains (namespace <c>Orleans</c>) are left to Orleans' own meter.
/// </remarks>
internal sealed class GridCallMeter : IIncomingGrainCallFilter
{
    /// <summary>The meter's name, as given to OpenTelemetry.</summary>
    public const string MeterName = "OrleansCoord.Grid";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("coord_grid_requests", description: "Calls into the grid's grains by operation and outcome");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("coord_grid_request_duration", unit: "s", description: "Latency of calls into the grid's grains");

    /// <summary>The operation tag of each grid method (null for Orleans' own), made once: a per-call string was the
    /// filter's main allocation.</summary>
    private static readonly ConcurrentDictionary<MethodInfo, string?> Operations = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        var method = context.InterfaceMethod;
        var operation = method is null ? null : Operations.GetOrAdd(method, static m =>
            m.DeclaringType is { } type && type.Namespace?.StartsWith("OrleansCoord", StringComparison.Ordinal) == true ? $"{type.Name}.{m.Name}" : null);
        return operation is null ? context.Invoke() : MeasureAsync(context, operation);
    }

    private static async Task MeasureAsync(IIncomingGrainCallContext context, string operation)
    {

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
            var tags = new TagList { { "operation", operation }, { "outcome", outcome } };
            Requests.Add(1, tags);
            Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }
}
