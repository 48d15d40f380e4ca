using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using OrleansCoord.Proxy.Health;
using OrleansCoord.Proxy.Tests.LoadBalancing;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.Tests.Health;

public sealed class MaxFailsPolicyTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingHealthUpdater _updater = new();
    private readonly DestinationState _destination = Destinations.Create("a");

    [Fact]
    public void MaxFailsWithinFailTimeout_TakesTheInstanceOutForFailTimeout()
    {
        var policy = new MaxFailsPolicy(_updater, _time);
        var cluster = Cluster(maxFails: 3, failTimeout: 10);

        policy.RequestProxied(Failed(), cluster, _destination);
        _time.Advance(TimeSpan.FromSeconds(4));
        policy.RequestProxied(Failed(), cluster, _destination);
        Assert.Empty(_updater.Calls);
        _time.Advance(TimeSpan.FromSeconds(4));
        policy.RequestProxied(Failed(), cluster, _destination);

        var call = Assert.Single(_updater.Calls);
        Assert.Equal((_destination, DestinationHealth.Unhealthy, TimeSpan.FromSeconds(10)), call);
    }

    [Fact]
    public void FailuresSpreadWiderThanFailTimeout_KeepTheInstance()
    {
        var policy = new MaxFailsPolicy(_updater, _time);
        var cluster = Cluster(maxFails: 2, failTimeout: 10);
        policy.RequestProxied(Failed(), cluster, _destination);
        _time.Advance(TimeSpan.FromSeconds(11));
        policy.RequestProxied(Failed(), cluster, _destination);
        Assert.Empty(_updater.Calls);
    }

    [Theory]
    [InlineData(200, false)]
    [InlineData(404, false)]
    [InlineData(500, false)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    public void Answers_CountAsFailureOnlyWhenTheInstanceCannotServe(int status, bool failure)
    {
        var context = new DefaultHttpContext();
        context.Response.StatusCode = status;
        Assert.Equal(failure, MaxFailsPolicy.IsFailure(context));
    }

    [Fact]
    public void ClientGoingAway_IsNotTheInstancesFault()
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IForwarderErrorFeature>(new ErrorFeature(ForwarderError.RequestCanceled));
        Assert.False(MaxFailsPolicy.IsFailure(context));
    }

    private static HttpContext Failed()
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IForwarderErrorFeature>(new ErrorFeature(ForwarderError.Request));
        context.Response.StatusCode = 502;
        return context;
    }

    private static ClusterState Cluster(int maxFails, double failTimeout) =>
        Destinations.Cluster(new Dictionary<string, string>
        {
            [MaxFailsPolicy.MaxFailsMetadata] = $"{maxFails}",
            [MaxFailsPolicy.FailTimeoutMetadata] = $"{failTimeout}",
        });

    private sealed record ErrorFeature(ForwarderError Error) : IForwarderErrorFeature
    {
        public Exception? Exception => null;
    }

    private sealed class RecordingHealthUpdater : IDestinationHealthUpdater
    {
        public List<(DestinationState, DestinationHealth, TimeSpan)> Calls { get; } = [];

        public void SetPassive(ClusterState cluster, DestinationState destination, DestinationHealth newHealth, TimeSpan reactivationPeriod) =>
            Calls.Add((destination, newHealth, reactivationPeriod));

        public void SetActive(ClusterState cluster, IEnumerable<NewActiveDestinationHealth> newHealthPairs) { }
    }
}
