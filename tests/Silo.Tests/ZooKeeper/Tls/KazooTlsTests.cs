namespace OrleansCoord.Silo.Tests.ZooKeeper.Tls;

/// <summary>kazoo (python3-kazoo, Python's ssl module) on the secure port: a second TLS stack, and x509 ACLs through it.</summary>
[Collection(nameof(ZkTlsSiloCollection))]
public sealed class KazooTlsTests(ZkTlsSiloFixture grid)
{
    [Fact]
    public async Task Kazoo_UseSsl_AlicesCertificateOwnsTheZNode_BobsIsRefused()
    {
        ExternalTool.Require(ExternalTool.Python, "python3-kazoo");
        var path = $"/kazoo-tls-{Guid.NewGuid():N}";
        var start = ExternalTool.StartInfo(ExternalTool.Python, KazooTests.Script("tls.py"), $"127.0.0.1:{grid.SecurePort}", path,
            grid.Certificates.CaPem, grid.Certificates.Alice.Pem, grid.Certificates.Bob.Pem, grid.JavaSubjects["alice"]);
        var (exit, output) = await ExternalTool.RunAsync(start, "", TimeSpan.FromMinutes(2));

        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.True(exit == 0 && lines.Contains("created") && lines.Contains("refused") && lines.Contains("acl"), $"exit {exit}:\n{output}");
    }
}
