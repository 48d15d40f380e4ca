using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.Health;

/// <summary>
/// nginx's passive health: an instance that fails <c>max_fails</c> times within <c>fail_timeout</c> is taken out for
/// <c>fail_timeout</c>, then tried again. A failure is a transport error or timeout (nginx's <c>error timeout</c>)
/// or a 502/503/504 from the instance (it says it cannot serve); a 500 is an answer, not an outage.
/// </summary>
internal sealed class MaxFailsPolicy(IDestinationHealthUpdater healthUpdater, TimeProvider time) : IFailureRecordingPolicy
{
    public const string PolicyName = "max-fails";
    public const string MaxFailsMetadata = "maxFails";
    public const string FailTimeoutMetadata = "failTimeoutSeconds";
    private readonly ConditionalWeakTable<DestinationState, Queue<long>> _failures = [];

    public string Name => PolicyName;

    public void RequestProxied(HttpContext context, ClusterState cluster, DestinationState destination)
    {
        if (IsFailure(context)) RecordFailure(cluster, destination);
    }

    /// <summary>Counts one failure of <paramref name="destination"/> (either request path) and takes it out at max-fails.</summary>
    public void RecordFailure(ClusterState cluster, DestinationState destination)
    {
        var (maxFails, failTimeout) = Settings(cluster);
        if (maxFails <= 0) return;

        var now = time.GetTimestamp();
        var failures = _failures.GetOrCreateValue(destination);
        lock (failures)
        {
            while (failures.Count > 0 && time.GetElapsedTime(failures.Peek(), now) > failTimeout) failures.Dequeue();
            failures.Enqueue(now);
            if (failures.Count < maxFails) return;
            failures.Clear();
        }

        healthUpdater.SetPassive(cluster, destination, DestinationHealth.Unhealthy, failTimeout);
    }

    public static bool IsFailure(HttpContext context) =>
        context.Features.Get<IForwarderErrorFeature>() is { Error: not (ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled
            or ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyClient or ForwarderError.ResponseBodyCanceled) }
        || context.Response.StatusCode is 502 or 503 or 504;

    private static (int MaxFails, TimeSpan FailTimeout) Settings(ClusterState cluster)
    {
        var metadata = cluster.Model.Config.Metadata;
        var maxFails = metadata is not null && metadata.TryGetValue(MaxFailsMetadata, out var m)
            && int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 1;
        var seconds = metadata is not null && metadata.TryGetValue(FailTimeoutMetadata, out var f)
            && double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 10;
        return (maxFails, TimeSpan.FromSeconds(seconds));
    }
}
