using System.Collections.Concurrent;
using System.Reflection;
using Orleans;
using Orleans.Runtime;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using OrleansCoord.Errors;

namespace OrleansCoord.Silo.Metrics;

/// <summary>
/// The grid's own meter (<c>OrleansCoord.Grid</c>): every call into one of the grid's grains, whichever front end made
/// it (SDK, CLI, proxy, ZooKeeper wire server), counted by operation (grain interface and method) and outcome (<c>ok</c>
/// or the typed error code) and origin, with its latency.
/// </summary>
/// <remarks>
/// Measured where all front ends meet, an incoming grain call filter: a counter add and a histogram record per call,
/// no allocation on the way (the operation's name is made once per method). Orleans' system grains (namespace <c>Orleans</c>) are left to Orleans' own meter.
/// The origin is read from the call's source, free of cost: <c>client</c> for an Orleans client through a gateway (the
/// SDK, the CLI, the proxy), <c>silo</c> for a silo's own code outside grains (its ZooKeeper server, its HTTP
/// endpoints: Orleans names that caller <c>hosted-&lt;silo&gt;</c>), <c>grain</c> for a call one grid grain makes to another.
/// </remarks>
internal sealed class GridCallMeter : IIncomingGrainCallFilter
{
    /// <summary>The meter's name, as given to OpenTelemetry.</summary>
    public const string MeterName = "OrleansCoord.Grid";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("coord_grid_requests", description: "Calls into the grid's grains by operation and outcome");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram("coord_grid_request_duration", unit: "s", description: "Latency of calls into the grid's grains",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = OrleansCoord.ZooKeeper.Server.ZooKeeperServerMetrics.LatencyBuckets });

    /// <summary>How Orleans names the client every silo runs for its own code (HostedClient.CreateHostedClientGrainId).</summary>
    private static ReadOnlySpan<byte> HostedClientPrefix => "hosted-"u8;

    /// <summary>The operation tag of each grid method (null for Orleans' own), made once: a per-call string was the
    /// filter's main allocation.</summary>
    private static readonly ConcurrentDictionary<MethodInfo, string?> Operations = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        var method = context.InterfaceMethod;
        var operation = method is null ? null : Operations.GetOrAdd(method, static m =>
            m.DeclaringType is { } type && type.Namespace?.StartsWith("OrleansCoord", StringComparison.Ordinal) == true ? $"{type.Name}.{m.Name}" : null);
        return operation is null ? context.Invoke() : MeasureAsync(context, operation, Origin(context.SourceId));
    }

    private static string Origin(GrainId? source) => source switch
    {
        null => "unknown",
        { } id when id.IsClient() => id.Key.AsSpan().StartsWith(HostedClientPrefix) ? "silo" : "client",
        _ => "grain",
    };

    private static async Task MeasureAsync(IIncomingGrainCallContext context, string operation, string origin)
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
            var tags = new TagList { { "origin", origin }, { "operation", operation }, { "outcome", outcome } };
            Requests.Add(1, tags);
            Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }
}
