using OrleansCoord.Client.Proxy;
using OrleansCoord.Proxy.Configuration;
using OrleansCoord.Proxy.Hosting;

namespace OrleansCoord.Proxy.Tests.Configuration;

public sealed class GridConfigProviderTests
{
    private readonly YarpConfigBuilder _builder = new(new ProxyOptions());

    [Fact]
    public void Update_SwapsWholeConfig_AndFiresTheOldChangeToken()
    {
        var provider = new GridConfigProvider();
        var first = provider.GetConfig();
        Assert.Empty(first.Routes);

        var snapshot = Snapshot();
        provider.Update(snapshot, _builder.Routes(snapshot), _builder.Clusters(snapshot));

        Assert.True(first.ChangeToken.HasChanged);
        var second = provider.GetConfig();
        Assert.False(second.ChangeToken.HasChanged);
        Assert.Equal("api", Assert.Single(second.Routes).RouteId);
        Assert.Same(snapshot, provider.Snapshot);
    }

    [Fact]
    public void Builder_SettingsBecomePoliciesAndMetadata_RouteOnlyClusterGetsDefaults()
    {
        var snapshot = Snapshot();
        snapshot.Routes["other"] = new RouteSpec("/other/{**rest}", "plain");
        var clusters = _builder.Clusters(snapshot).ToDictionary(c => c.ClusterId);

        var api = clusters["api"];
        Assert.Equal("grid:consistent-hash", api.LoadBalancingPolicy);
        Assert.Equal("header:X-User", api.Metadata!["hashKey"]);
        Assert.Equal("3", api.Metadata["maxFails"]);
        Assert.Equal("/healthz", api.HealthCheck!.Active!.Path);
        Assert.Equal(TimeSpan.FromSeconds(7), api.HealthCheck.Passive!.ReactivationPeriod);
        Assert.Equal("http://127.0.0.1:5001", api.Destinations!["i1"].Address);
        Assert.Equal("4", api.Destinations["i1"].Metadata!["weight"]);

        var plain = clusters["plain"];
        Assert.Equal("grid:round-robin", plain.LoadBalancingPolicy);
        Assert.Null(plain.HealthCheck!.Active);
        Assert.Empty(plain.Destinations!);
    }

    [Fact]
    public void SameContent_IsSame_ChangedWeight_IsNot()
    {
        Assert.True(SnapshotComparer.Same(Snapshot(), Snapshot()));
        var changed = Snapshot();
        changed.Instances["api"]["i1"] = changed.Instances["api"]["i1"] with { Weight = 5 };
        Assert.False(SnapshotComparer.Same(Snapshot(), changed));
    }

    private static GridSnapshot Snapshot() => new(
        new() { ["api"] = new RouteSpec("/api/{**rest}", "api") },
        new() { ["api"] = new ClusterSpec(BalancingPolicyNames.ConsistentHash, "header:X-User", "/healthz", 2, 3, 7, 1) },
        new() { ["api"] = new() { ["i1"] = new InstanceSpec("http://127.0.0.1:5001", 4) } });
}
