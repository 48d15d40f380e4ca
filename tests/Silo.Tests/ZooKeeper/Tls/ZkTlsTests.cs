using System.Net.Sockets;
using System.Security.Authentication;
using static OrleansCoord.Silo.Tests.ZooKeeper.ZkRequests;

namespace OrleansCoord.Silo.Tests.ZooKeeper.Tls;

/// <summary>
/// The ZooKeeper protocol over TLS (<c>--zk-secure-port</c>) and the <c>x509</c> scheme, at the byte level through
/// SslStream: which clients the handshake lets in, which identity a certificate gives, what a client cannot claim.
/// </summary>
[Collection(nameof(ZkTlsSiloCollection))]
public sealed class ZkTlsTests(ZkTlsSiloFixture grid)
{
    private const int All = 31;

    private TestCertificates Certificates => grid.Certificates;

    [Fact]
    public async Task ClientCertificate_GivesItsConnectionTheX509Identity_InZooKeepersFormat_AndTheAclDecides()
    {
        var root = $"/tls-x509-{Guid.NewGuid():N}";
        var aliceId = grid.JavaSubjects["alice"];
        await using var alice = await RawZkConnection.ConnectTlsAsync(grid.SecurePort, Certificates.Ca, Certificates.Alice.Certificate);
        Assert.Equal([("ip", "127.0.0.1"), ("x509", aliceId)], await WhoAmIAsync(alice));

        Assert.Equal(Err.Ok, (await alice.CallAsync(Op.Create, CreateWithAcl(root, "alice's", (All, "x509", aliceId)))).Err);
        Assert.Equal("alice's", Text((await alice.CallAsync(Op.GetData, PathWatch(root))).Body.Buffer()));

        await using var bob = await RawZkConnection.ConnectTlsAsync(grid.SecurePort, Certificates.Ca, Certificates.Bob.Certificate);
        Assert.Equal(Err.NoAuth, (await bob.CallAsync(Op.GetData, PathWatch(root))).Err);
        Assert.Equal(Err.NoAuth, (await bob.CallAsync(Op.SetData, SetData(root, "bob's"))).Err);
        await using var anonymous = await RawZkConnection.ConnectAsync(grid.PlainPort);
        Assert.Equal(Err.NoAuth, (await anonymous.CallAsync(Op.GetData, PathWatch(root))).Err);

        // auth:: names the creator's certificate identity, as ZooKeeper's fixupACL does.
        Assert.Equal(Err.Ok, (await bob.CallAsync(Op.Create, CreateWithAcl($"{root}-bob", "", (All, "auth", "")))).Err);
        Assert.Equal([(All, "x509", grid.JavaSubjects["bob"])], (await bob.CallAsync(Op.GetAcl, Path($"{root}-bob"))).Body.Acl());
    }

    [Fact]
    public async Task AddAuthX509_NeverGivesTheIdentityItNames()
    {
        var root = $"/tls-claim-{Guid.NewGuid():N}";
        var aliceId = grid.JavaSubjects["alice"];
        await using var alice = await RawZkConnection.ConnectTlsAsync(grid.SecurePort, Certificates.Ca, Certificates.Alice.Certificate);
        Assert.Equal(Err.Ok, (await alice.CallAsync(Op.Create, CreateWithAcl(root, "alice's", (All, "x509", aliceId)))).Err);

        // Over TLS with another certificate: the packet is answered Ok (the connection has a certificate) and adds nothing.
        await using var bob = await RawZkConnection.ConnectTlsAsync(grid.SecurePort, Certificates.Ca, Certificates.Bob.Certificate);
        Assert.Equal(Err.Ok, (await bob.CallAsync(Op.Auth, Auth("x509", aliceId), fixedXid: -4)).Err);
        Assert.Equal([("ip", "127.0.0.1"), ("x509", grid.JavaSubjects["bob"])], await WhoAmIAsync(bob));
        Assert.Equal(Err.NoAuth, (await bob.CallAsync(Op.GetData, PathWatch(root))).Err);

        // On the plain port there is no certificate: AuthFailed and the connection closes, as for any failed auth.
        await using var plain = await RawZkConnection.ConnectAsync(grid.PlainPort);
        Assert.Equal(Err.AuthFailed, (await plain.CallAsync(Op.Auth, Auth("x509", aliceId), fixedXid: -4)).Err);
        Assert.Empty(await plain.ReadUntilClosedAsync());
    }

    [Fact]
    public async Task CertificateFromAnotherCa_AndNoCertificate_AreRefused()
    {
        await AssertRefusedAsync(() => RawZkConnection.ConnectTlsAsync(grid.SecurePort, Certificates.Ca, Certificates.Mallory.Certificate));
        await AssertRefusedAsync(() => RawZkConnection.ConnectTlsAsync(grid.SecurePort, Certificates.Ca, clientCertificate: null));

        // Alice still gets in: the refusals were about the certificates, not the port.
        await using var alice = await RawZkConnection.ConnectTlsAsync(grid.SecurePort, Certificates.Ca, Certificates.Alice.Certificate);
        Assert.Equal(Err.Ok, (await alice.CallAsync(Op.Exists, PathWatch("/"))).Err);
    }

    [Fact]
    public async Task PlainTextAndGarbage_OnTheSecurePort_AreClosed_AndBothPortsKeepServing()
    {
        // A ZooKeeper connect request in plain text, and then 4 KiB of random bytes: neither is a TLS ClientHello.
        var connect = new RawZkConnection.Packet().Int(0).Long(0).Int(10_000).Long(0).Buffer(new byte[16]).Bool(false).Framed();
        foreach (var bytes in new[] { connect, Random.Shared.GetItems<byte>(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray(), 4096) })
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", grid.SecurePort, TestContext.Current.CancellationToken);
            var stream = tcp.GetStream();
            try
            {
                await stream.WriteAsync(bytes, TestContext.Current.CancellationToken);
            }
            catch (IOException)
            {
                // Closed before all of it was written: closed as well.
            }

            Assert.True(await ClosedWithoutAnswerAsync(stream), "the secure port answered a client that does not speak TLS");
        }

        await using var alice = await RawZkConnection.ConnectTlsAsync(grid.SecurePort, Certificates.Ca, Certificates.Alice.Certificate);
        Assert.Equal(Err.Ok, (await alice.CallAsync(Op.Exists, PathWatch("/"))).Err);
        await using var plain = await RawZkConnection.ConnectAsync(grid.PlainPort);
        Assert.Equal(Err.Ok, (await plain.CallAsync(Op.Exists, PathWatch("/"))).Err);
    }

    [Fact]
    public async Task StalledHandshakes_OnTheSecurePort_AreDropped_WhileThePortKeepsServing()
    {
        // One client sends nothing, one part of a ClientHello: neither may hold its connection for ever.
        var stalled = await StalledTlsClients.OpenAsync([grid.SecurePort], TestContext.Current.CancellationToken);
        try
        {
            // While they stall, a real client gets in and is served.
            await using (var alice = await RawZkConnection.ConnectTlsAsync(grid.SecurePort, Certificates.Ca, Certificates.Alice.Certificate))
            {
                Assert.Equal(Err.Ok, (await alice.CallAsync(Op.Exists, PathWatch("/"))).Err);
            }

            // Kestrel's TLS handshake timeout (10 s) closes both; ClosedWithoutAnswerAsync gives up after 30 s.
            var closed = await Task.WhenAll(stalled.Select(tcp => ClosedWithoutAnswerAsync(tcp.GetStream())));
            Assert.All(closed, Assert.True);
        }
        finally
        {
            foreach (var tcp in stalled) tcp.Dispose();
        }
    }

    [Fact]
    public async Task Configuration_NamesThePlainAndTheSecurePort_AsZooKeepersConf()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var conf = System.Text.Json.Nodes.JsonNode.Parse(
            await http.GetStringAsync(new Uri(grid.Silo.HttpBase, "/commands/configuration"), TestContext.Current.CancellationToken))!;
        Assert.Equal(grid.PlainPort, (int)conf["client_port"]!);
        Assert.Equal(grid.SecurePort, (int)conf["secure_client_port"]!);
    }

    private static async Task<List<(string Scheme, string User)>> WhoAmIAsync(RawZkConnection zk)
    {
        var who = await zk.CallAsync(Op.WhoAmI, new RawZkConnection.Packet());
        Assert.Equal(Err.Ok, who.Err);
        return Enumerable.Range(0, who.Body.Int()).Select(_ => (who.Body.String()!, who.Body.String()!)).ToList();
    }

    /// <summary>The TLS handshake fails, or the connection closes before the connect request is answered.</summary>
    private static async Task AssertRefusedAsync(Func<Task<RawZkConnection>> connect)
    {
        try
        {
            await using var connection = await connect();
            Assert.Fail($"connected (session 0x{connection.SessionId:x})");
        }
        catch (Exception exception) when (exception is AuthenticationException or IOException)
        {
        }
    }

    /// <summary>True when the server closes (FIN or reset) within 30 s without sending a byte of ZooKeeper's protocol; false when it answers or keeps the connection open.</summary>
    private static Task<bool> ClosedWithoutAnswerAsync(NetworkStream stream) =>
        StalledTlsClients.ClosedWithoutAnswerAsync(stream, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
}
