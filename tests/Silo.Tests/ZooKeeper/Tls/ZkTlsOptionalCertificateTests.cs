using OrleansCoord.Tests.Shared;
using static OrleansCoord.Silo.Tests.ZooKeeper.ZkRequests;

namespace OrleansCoord.Silo.Tests.ZooKeeper.Tls;

/// <summary>The secure port alone (<c>--zk-port 0</c>), with <c>--tls-ca</c> but without <c>--require-client-certificate</c>.</summary>
public sealed class ZkTlsOptionalCertificateTests
{
    [Fact]
    public async Task WithoutRequire_AClientWithoutCertificateIsServed_WithoutX509Identity_AnotherCasStillRefused()
    {
        using var certificates = await TestCertificates.CreateAsync();
        var picked = FreePorts.Pick(5);
        var ports = new SiloPorts(picked[0], picked[1], picked[2], picked[3]);
        await using var silo = SiloProcess.Start(ports, [.. ports.Flags, "--zk-port", "0", "--cluster-id", $"zk-tls-opt-{Guid.NewGuid():N}"[..20],
            "--storage", "Memory", "--zk-secure-port", $"{picked[4]}", "--tls-certificate", certificates.ServerPem,
            "--tls-key", certificates.ServerKey, "--tls-ca", certificates.CaPem]);
        await silo.WaitHealthyAsync(TimeSpan.FromSeconds(90));

        await using (var anonymous = await RawZkConnection.ConnectTlsAsync(picked[4], certificates.Ca, clientCertificate: null))
        {
            var who = await anonymous.CallAsync(Op.WhoAmI, new RawZkConnection.Packet());
            Assert.Equal(1, who.Body.Int());
            Assert.Equal(("ip", "127.0.0.1"), (who.Body.String(), who.Body.String()));
        }

        await using (var alice = await RawZkConnection.ConnectTlsAsync(picked[4], certificates.Ca, certificates.Alice.Certificate))
        {
            Assert.Equal(2, (await alice.CallAsync(Op.WhoAmI, new RawZkConnection.Packet())).Body.Int());
        }

        try
        {
            await using var mallory = await RawZkConnection.ConnectTlsAsync(picked[4], certificates.Ca, certificates.Mallory.Certificate);
            Assert.Fail("a certificate from another CA was let in");
        }
        catch (Exception exception) when (exception is System.Security.Authentication.AuthenticationException or IOException)
        {
        }

        // --zk-port 0: no plain ZooKeeper port.
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => RawZkConnection.ConnectAsync(ports.ZooKeeper));
    }
}
