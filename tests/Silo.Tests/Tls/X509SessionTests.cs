using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using OrleansCoord.Acls;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Silo.Tests.ZooKeeper;
using OrleansCoord.Silo.Tests.ZooKeeper.Tls;
using OrleansCoord.Tests.Shared;
using OrleansCoord.ZNodes;
using static OrleansCoord.Silo.Tests.GridConnect;
using Zk = OrleansCoord.Silo.Tests.ZooKeeper.ZkRequests;

namespace OrleansCoord.Silo.Tests.Tls;

/// <summary>
/// x509 identities for SDK and CLI sessions, and credential expiry, with real processes (docs/adr/017): a silo with
/// <c>--tls-ca</c> and a plain gateway; clients prove their certificate by signing their session's challenge, and get the
/// same <c>x509:SUBJECT</c> a ZooKeeper client gets on the secure port with that certificate.
/// </summary>
public sealed class X509SessionTests(X509SessionFixture grid) : IClassFixture<X509SessionFixture>
{
    private const int All = 31;

    private TestCertificates Certificates => grid.Certificates;

    private Task<CoordClient> ConnectAsync(X509Certificate2? certificate, TimeSpan? sessionTimeout = null) =>
        CoordClient.ConnectAsync(new CoordClientOptions
        {
            Servers = [grid.Silo.Gateway],
            ClusterId = grid.ClusterId,
            SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(10),
            RequestTimeout = TimeSpan.FromSeconds(30),
            Certificate = certificate,
        }, Ct);

    private async Task<(CoordClient Alice, AuthId Identity, string Path)> AliceNodeAsync()
    {
        var alice = await ConnectAsync(Certificates.Alice.Certificate);
        var identity = Assert.Single(alice.AuthIds, id => id.Scheme == "x509");
        var path = await alice.CreateAsync($"/x509-{Guid.NewGuid():N}", Utf8("alice's"), [new AclEntry(AclPerms.All, identity.Scheme, identity.Id)],
            cancellationToken: Ct);
        return (alice, identity, path);
    }

    [Fact]
    public async Task SdkClient_WithCertificate_ReadsItsX509OnlyZnode_WithoutGetsNoAuth_AndTheSecurePortNamesItTheSame()
    {
        var (alice, identity, path) = await AliceNodeAsync();
        await using var _ = alice;
        Assert.Equal("alice's", Zk.Text((await alice.GetDataAsync(path, Ct)).Data));

        await using (var anonymous = await ConnectAsync(null))
        {
            Assert.Equal(CoordErrorCode.NoAuth, (await Assert.ThrowsAsync<CoordException>(() => anonymous.GetDataAsync(path, Ct))).Code);
        }

        await using (var bob = await ConnectAsync(Certificates.Bob.Certificate))
        {
            Assert.Equal(CoordErrorCode.NoAuth, (await Assert.ThrowsAsync<CoordException>(() => bob.GetDataAsync(path, Ct))).Code);
        }

        // One ACL entry for both front doors: the ZooKeeper secure port gives alice's certificate the same identity.
        await using var wire = await RawZkConnection.ConnectTlsAsync(grid.SecurePort, Certificates.Ca, Certificates.Alice.Certificate);
        Assert.Equal("alice's", Zk.Text((await wire.CallAsync(Op.GetData, Zk.PathWatch(path))).Body.Buffer()));
        var who = await wire.CallAsync(Op.WhoAmI, new RawZkConnection.Packet());
        var ids = Enumerable.Range(0, who.Body.Int()).Select(_ => (who.Body.String()!, who.Body.String()!)).ToList();
        Assert.Contains(("x509", identity.Id), ids);
    }

    [Fact]
    public async Task Cli_WithCertificateAndKey_ReadsTheX509OnlyZnode_WithoutGetsNoAuth()
    {
        var (alice, _, path) = await AliceNodeAsync();
        await using var __ = alice;
        var key = System.IO.Path.Combine(Certificates.Directory, "alice-only.key");
        var certificate = System.IO.Path.Combine(Certificates.Directory, "alice-only.crt");
        await File.WriteAllTextAsync(certificate, Certificates.Alice.Certificate.ExportCertificatePem(), Ct);
        await File.WriteAllTextAsync(key, Certificates.Alice.Certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), Ct);

        var (read, readOutput) = await CoordAsync("--certificate", certificate, "--key", key, "get", path);
        Assert.True(read == 0, readOutput);
        Assert.Contains("alice's", readOutput, StringComparison.Ordinal);

        var (refused, refusedOutput) = await CoordAsync("get", path);
        Assert.True(refused == 1, refusedOutput);
        Assert.Contains("NoAuth", refusedOutput, StringComparison.Ordinal);

        var (mallory, malloryOutput) = await CoordAsync("--certificate", Certificates.Mallory.Pem, "get", path);
        Assert.True(mallory == 1, malloryOutput);
        Assert.Contains("AuthFailed", malloryOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherCasCertificate_AnExpiredOne_AndAnAssertedX509Identity_AreAuthFailed()
    {
        Assert.Equal(CoordErrorCode.AuthFailed,
            (await Assert.ThrowsAsync<CoordException>(() => ConnectAsync(Certificates.Mallory.Certificate))).Code);

        using var expired = TestCertificateIssuer.Issue(Certificates.Ca, TestCertificates.Subject("alice"), [TestCertificateIssuer.ClientAuthentication],
            serverNames: false, DateTimeOffset.UtcNow.AddHours(-20), DateTimeOffset.UtcNow.AddHours(-1));
        var error = await Assert.ThrowsAsync<CoordException>(() => ConnectAsync(expired));
        Assert.Equal(CoordErrorCode.AuthFailed, error.Code);

        // A raw grain call that asserts alice's identity with AddAuth: refused, the session's credential unchanged.
        var (alice, identity, path) = await AliceNodeAsync();
        await using var _ = alice;
        await using var mallory = await ConnectAsync(null);
        await using var outside = await OutsideOrleansClient.ConnectAsync(grid.Silo, grid.ClusterId);
        Caller.Use(mallory.Credential);
        var asserted = await Assert.ThrowsAsync<CoordException>(() =>
            outside.Grains.GetGrain<OrleansCoord.Sessions.ISessionGrain>(mallory.SessionId).AddAuth("x509", identity.Id));
        Caller.Use(null);
        Assert.Equal(CoordErrorCode.AuthFailed, asserted.Code);
        Assert.Empty(mallory.AuthIds);
        Assert.Equal(CoordErrorCode.NoAuth, (await Assert.ThrowsAsync<CoordException>(() => mallory.GetDataAsync(path, Ct))).Code);
    }

    [Fact]
    public async Task CapturedCredential_ReplayedAfterItsSessionEnded_IsAuthFailed_OnceItsLifetimePassed()
    {
        var (alice, _, path) = await AliceNodeAsync();
        var captured = alice.Credential;
        await alice.CloseAsync();

        await using var outside = await OutsideOrleansClient.ConnectAsync(grid.Silo, grid.ClusterId);
        var node = outside.Grains.GetGrain<IZNodeGrain>(path);
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(captured.ExpiresAtMs);
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(-X509SessionFixture.LifetimeSeconds), TimeSpan.FromSeconds(X509SessionFixture.LifetimeSeconds));

        // Until then the replay works (the silo's clock is this machine's): what stops it below is the expiry.
        Caller.Use(captured);
        if (DateTimeOffset.UtcNow < expiresAt) Assert.Equal("alice's", Zk.Text((await node.GetData()).Data));

        var wait = expiresAt + X509SessionFixture.Tolerance + TimeSpan.FromSeconds(1) - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero) await Task.Delay(wait, Ct);
        Caller.Use(captured);
        var error = await Assert.ThrowsAsync<CoordException>(() => node.GetData());
        Caller.Use(null);
        Assert.Equal(CoordErrorCode.AuthFailed, error.Code);
    }

    [Fact]
    public async Task Sessions_LivingLongerThanTheCredentialLifetime_KeepWorking_SdkAndWire()
    {
        var (alice, _, path) = await AliceNodeAsync();
        await using var _ = alice;
        var first = alice.Credential;

        // A wire session with a digest identity on the plain ZooKeeper port: its connection renews its own credential.
        var digestPath = $"/x509-digest-{Guid.NewGuid():N}";
        await using var wire = await RawZkConnection.ConnectAsync(grid.Silo.Ports.ZooKeeper);
        Assert.Equal(Err.Ok, (await wire.CallAsync(Op.Auth, Zk.Auth("digest", "carol:pw"), fixedXid: -4)).Err);
        Assert.Equal(Err.Ok, (await wire.CallAsync(Op.Create, Zk.CreateWithAcl(digestPath, "carol's", (All, "digest", OrleansCoord.Acls.Acl.Digest("carol:pw"))))).Err);

        var until = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(3 * X509SessionFixture.LifetimeSeconds + X509SessionFixture.Tolerance.TotalSeconds);
        while (DateTimeOffset.UtcNow < until)
        {
            Assert.Equal("alice's", Zk.Text((await alice.GetDataAsync(path, Ct)).Data));
            var read = await wire.CallAsync(Op.GetData, Zk.PathWatch(digestPath));
            Assert.Equal(Err.Ok, read.Err);
            Assert.Equal("carol's", Zk.Text(read.Body.Buffer()));
            await Task.Delay(500, Ct);
        }

        Assert.True(alice.Credential.ExpiresAtMs > first.ExpiresAtMs, "the SDK's credential was renewed");
        Assert.Equal(SessionState.Connected, alice.State);
    }

    private async Task<(int ExitCode, string Output)> CoordAsync(params string[] arguments)
    {
        var coord = typeof(X509SessionTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CoordDll").Value!;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = ExternalTool.StartInfo(dotnet, [coord, "--server", grid.Silo.Gateway, "--cluster-id", grid.ClusterId, .. arguments]);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("COORD_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(key);
        return await ExternalTool.RunAsync(start, "", TimeSpan.FromMinutes(2));
    }
}
