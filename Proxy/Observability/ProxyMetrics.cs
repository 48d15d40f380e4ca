using System.Collections.Concurrent;

namespace OrleansCoord.Proxy.Observability;

/// <summary>
/// Request counts by route, instance and status, and a latency histogram per route, kept with interlocked
/// adds to per-thread stripes on the request path (no locks, no shared cache line, no allocation once a label set
/// has been seen).
/// </summary>
internal sealed class ProxyMetrics : FastPath.IFastPathMetrics
{
    /// <summary>Upper bounds of the latency buckets, in seconds (Prometheus' <c>le</c>).</summary>
    public static readonly double[] BucketBounds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly ConcurrentDictionary<(string Route, string Instance, int Status), StripedCounter> _requests = new();
    private readonly ConcurrentDictionary<string, Histogram> _latency = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StripedCounter> _handoffs = new(StringComparer.Ordinal);
    private readonly StripedCounter _fastPathRequests = new();

    public void Record(string route, string instance, int status, TimeSpan elapsed)
    {
        _requests.GetOrAdd((route, instance, status), static _ => new StripedCounter()).Increment();
        _latency.GetOrAdd(route, static _ => new Histogram()).Observe(elapsed.TotalSeconds);
    }

    /// <summary>
    /// Drops the series of routes and instances that left the configuration, so that /metrics does not list departed
    /// instances for ever (an instance that comes back starts again from 0, which Prometheus reads as a reset).
    /// </summary>
    public void Forget(Func<string, bool> routeExists, Func<string, string, bool> instanceServes)
    {
        foreach (var key in _requests.Keys)
        {
            if (!routeExists(key.Route) || !instanceServes(key.Route, key.Instance)) _requests.TryRemove(key, out _);
        }

        foreach (var route in _latency.Keys)
        {
            if (!routeExists(route)) _latency.TryRemove(route, out _);
        }
    }

    /// <summary>Requests the connection-level fast path answered (they are in <see cref="Requests"/> too).</summary>
    public long FastPathRequests => _fastPathRequests.Value;

    /// <summary>Connections the fast path handed to Kestrel and YARP, by what it could not do.</summary>
    public IEnumerable<(string Reason, long Count)> FastPathHandoffs =>
        _handoffs.Select(pair => (pair.Key, pair.Value.Value));

    public void RecordFastPathRequest() => _fastPathRequests.Increment();

    public void RecordHandoff(string reason) => _handoffs.GetOrAdd(reason, static _ => new StripedCounter()).Increment();

    public IEnumerable<(string Route, string Instance, int Status, long Count)> Requests =>
        _requests.Select(pair => (pair.Key.Route, pair.Key.Instance, pair.Key.Status, pair.Value.Value));

    public IEnumerable<(string Route, Histogram Histogram)> Latencies => _latency.Select(pair => (pair.Key, pair.Value));

    internal sealed class Histogram
    {
        private readonly StripedCounter[] _buckets = [.. Enumerable.Range(0, BucketBounds.Length + 1).Select(_ => new StripedCounter())];
        private readonly StripedCounter _sumMicroseconds = new();

        public void Observe(double seconds)
        {
            var index = Array.BinarySearch(BucketBounds, seconds);
            _buckets[index < 0 ? ~index : index].Increment();
            _sumMicroseconds.Add((long)(seconds * 1_000_000));
        }

        /// <summary>Cumulative counts per bound, the last one being +Inf (the total).</summary>
        public long[] Cumulative()
        {
            var result = new long[_buckets.Length];
            long running = 0;
            for (var i = 0; i < _buckets.Length; i++) result[i] = running += _buckets[i].Value;
            return result;
        }

        public double SumSeconds => _sumMicroseconds.Value / 1_000_000.0;
    }
}
