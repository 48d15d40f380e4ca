using OrleansCoord.Client;
using OrleansCoord.Client.Tls;
using OrleansCoord.Errors;
using OrleansCoord.Silo.Tests.ZooKeeper.Tls;
using static OrleansCoord.Silo.Tests.GridConnect;

namespace OrleansCoord.Silo.Tests.Tls;

/// <summary>
/// <c>--grid-tls</c> without <c>--require-client-certificate</c> (one Memory silo): the gateway encrypts and asks for a
/// certificate, serves a TLS client without one, and still refuses one whose certificate another CA signed.
/// </summary>
public sealed class GridTlsOptionalCertificateTests
{
    [Fact]
    public async Task WithoutRequire_AClientWithoutCertificateIsServed_AnotherCasStillRefused()
    {
        using var certificates = await TestCertificates.CreateAsync();
        var clusterId = $"grid-tls-opt-{Guid.NewGuid():N}"[..24];
        var ports = SiloPorts.Pick();
        await using var silo = SiloProcess.Start(ports, [.. ports.Flags, "--cluster-id", clusterId, "--storage", "Memory", "--dashboard", "off",
            "--grid-tls", "--tls-certificate", certificates.ServerPem, "--tls-key", certificates.ServerKey, "--tls-ca", certificates.CaPem]);
        await silo.WaitHealthyAsync(TimeSpan.FromSeconds(90));

        await using (var anonymous = await ConnectAsync(silo, clusterId, CoordTlsOptions.FromFiles(certificates.CaPem)))
        {
            await anonymous.CreateAsync("/anonymous", Utf8("over TLS, no certificate"), cancellationToken: Ct);
            Assert.Equal("over TLS, no certificate", Text((await anonymous.GetDataAsync("/anonymous", Ct)).Data));
        }

        var refused = await Assert.ThrowsAsync<CoordException>(async () =>
            await (await ConnectAsync(silo, clusterId, CoordTlsOptions.FromFiles(certificates.CaPem, certificates.Mallory.Pem))).DisposeAsync());
        Assert.Equal(CoordErrorCode.ConnectionLoss, refused.Code);
        Assert.Contains("refused", refused.Message, StringComparison.Ordinal);
    }

    private static Task<CoordClient> ConnectAsync(SiloProcess silo, string clusterId, CoordTlsOptions tls) =>
        CoordClient.ConnectAsync(new CoordClientOptions
        {
            Servers = [silo.Gateway],
            ClusterId = clusterId,
            RequestTimeout = TimeSpan.FromSeconds(30),
            Tls = tls,
        }, Ct);
}
