using System.Text;
using OrleansCoord.Client.Proxy;
using OrleansCoord.Errors;

namespace OrleansCoord.Proxy.Tests.Configuration;

public sealed class ProxyJsonTests
{
    [Fact]
    public void Instance_TheRegistryShape_Reads()
    {
        var result = ProxyJson.ReadInstance("i1", Bytes("""{"address":"http://127.0.0.1:5001","weight":1,"metadata":{"k":"v"}}"""));
        Assert.Empty(result.Errors);
        Assert.Equal("http://127.0.0.1:5001", result.Spec!.Address);
        Assert.Equal("v", result.Spec.Metadata!["k"]);
    }

    [Fact]
    public void Instance_AnyZNodeName_Accepted() =>
        Assert.Empty(ProxyJson.ReadInstance("host:5001@eu", "{\"address\":\"http://h:1\"}"u8).Errors);

    [Fact]
    public void Instance_UnknownField_Tolerated_ButRouteAndCluster_Refuse()
    {
        Assert.Empty(ProxyJson.ReadInstance("i1", Bytes("""{"address":"http://h:1","zone":"eu"}""")).Errors);
        Assert.Contains("'polcy'", Assert.Single(ProxyJson.ReadCluster("c", Bytes("""{"polcy":"random"}""")).Errors));
        Assert.Contains("'pth'", Assert.Single(ProxyJson.ReadRoute("r", Bytes("""{"pth":"/x","cluster":"c"}""")).Errors));
    }

    [Fact]
    public void Cluster_EveryProblemReported_AtOnce()
    {
        var result = ProxyJson.ReadCluster("bad id", Bytes(
            """{"policy":"consistent-hash","healthPath":"healthz","healthIntervalSeconds":0,"maxFails":-1,"failTimeoutSeconds":0,"retries":101}"""));
        Assert.Null(result.Spec);
        Assert.Equal(
        [
            "cluster id 'bad id' may hold only letters, digits, '.', '_' and '-'",
            "consistent-hash needs a hash key",
            "health path 'healthz' must start with '/'",
            "health interval must be 0.1-3600 seconds, got 0",
            "max fails must be 0-1000, got -1",
            "fail timeout must be 0.1-3600 seconds, got 0",
            "retries must be 0-100, got 101",
        ], result.Errors);
    }

    [Theory]
    [InlineData("header:X-User", true)]
    [InlineData("cookie:sid", true)]
    [InlineData("ip", true)]
    [InlineData("path", true)]
    [InlineData("header:", false)]
    [InlineData("header:X User", false)]
    [InlineData("query:q", false)]
    public void HashKey_FourShapes(string text, bool valid) => Assert.Equal(valid, HashKey.TryParse(text) is not null);

    [Fact]
    public void Route_BadTemplateAndHost_Reported()
    {
        var result = ProxyJson.ReadRoute("r", Bytes("""{"path":"/a/{x","cluster":"c","hosts":["a b"]}"""));
        Assert.Equal(["path '/a/{x' is not a route template (unbalanced braces)", "host 'a b' is not a host name"], result.Errors);
    }

    [Fact]
    public void Require_Invalid_ThrowsBadArgumentsNamingThePath()
    {
        var exception = Assert.Throws<CoordException>(() => ProxyJson.Require(ProxyJson.ReadRoute("r", Bytes("{")), "/proxy/routes/r"));
        Assert.Equal(CoordErrorCode.BadArguments, exception.Code);
        Assert.StartsWith("BadArguments: /proxy/routes/r (not valid JSON:", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Written_ReadsBackEqual()
    {
        var cluster = new ClusterSpec(BalancingPolicyNames.ConsistentHash, "cookie:sid", "/healthz", 2, 3, 4, 5);
        Assert.Equal(cluster, ProxyJson.ReadCluster("c", ProxyJson.Write(cluster)).Spec);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
