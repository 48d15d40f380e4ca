using System.Text;
using OrleansCoord.Acls;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.ZNodes;
using static OrleansCoord.Grains.Tests.Fixtures.CertificateGridConfigurator;

namespace OrleansCoord.Grains.Tests;

/// <summary>
/// Credentials expire (docs/adr/017): each carries a signed expiry, the session's heartbeats renew it while the session
/// lives, and a credential captured from a session that ended stops working one lifetime (plus the clock tolerance)
/// after its last renewal. The cluster's lifetime is 2 s, its tolerance 0.5 s.
/// </summary>
public sealed class CredentialExpiryTests(CertificateClusterFixture fixture) : IClassFixture<CertificateClusterFixture>
{
    private static readonly AclEntry[] AliceOnly = [Acl.DigestEntry("alice", "secret", AclPerms.All)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IZNodeGrain Node(string path) => fixture.Cluster.Client.GetGrain<IZNodeGrain>(path);

    private async Task<(CoordClient Alice, string Path)> AliceNodeAsync()
    {
        var alice = await fixture.ConnectAsync();
        await alice.AddAuthAsync("digest", "alice:secret");
        var path = await alice.CreateAsync($"/expiry-{Guid.NewGuid():N}", Encoding.UTF8.GetBytes("v"), AliceOnly, cancellationToken: Ct);
        return (alice, path);
    }

    [Fact]
    public async Task Credential_CarriesItsLifetime_AndATamperedExpiryIsAuthFailed()
    {
        var (alice, path) = await AliceNodeAsync();
        await using var _ = alice;
        var credential = alice.Credential;
        Assert.InRange(credential.ExpiresAtMs - credential.IssuedAtMs, 1, (long)Lifetime.TotalMilliseconds);

        Caller.Use(credential with { ExpiresAtMs = credential.ExpiresAtMs + 3_600_000 });
        Assert.Equal(CoordErrorCode.AuthFailed, (await Assert.ThrowsAsync<CoordException>(() => Node(path).GetData())).Code);
        Caller.Use(null);
    }

    [Fact]
    public async Task ReplayedCredential_OfAnEndedSession_WorksUntilItsExpiry_ThenAuthFailed()
    {
        var (alice, path) = await AliceNodeAsync();
        var captured = alice.Credential;
        await alice.CloseAsync();

        // Within its lifetime the captured credential still opens the znode: what this test shows stops, stops by expiry.
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(captured.ExpiresAtMs);
        Caller.Use(captured);
        if (DateTimeOffset.UtcNow < expiresAt - TimeSpan.FromMilliseconds(300)) Assert.Equal("v", Encoding.UTF8.GetString((await Node(path).GetData()).Data));

        var after = expiresAt + Tolerance + TimeSpan.FromMilliseconds(300) - DateTimeOffset.UtcNow;
        if (after > TimeSpan.Zero) await Task.Delay(after, Ct);
        Caller.Use(captured);
        var error = await Assert.ThrowsAsync<CoordException>(() => Node(path).GetData());
        Assert.Equal(CoordErrorCode.AuthFailed, error.Code);
        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
        Caller.Use(null);
    }

    [Fact]
    public async Task Session_LivingThreeLifetimes_KeepsItsIdentity_ByRenewal()
    {
        var (alice, path) = await AliceNodeAsync();
        await using var _ = alice;
        var first = alice.Credential;

        var until = DateTimeOffset.UtcNow + 3 * Lifetime;
        while (DateTimeOffset.UtcNow < until)
        {
            Assert.Equal("v", Encoding.UTF8.GetString((await alice.GetDataAsync(path, Ct)).Data));
            await Task.Delay(200, Ct);
        }

        Assert.True(alice.Credential.ExpiresAtMs > first.ExpiresAtMs + (long)Lifetime.TotalMilliseconds, "renewed past the first lifetime");
        Assert.Contains(new AuthId("digest", Acl.Digest("alice:secret")), alice.AuthIds);
        Assert.Equal(SessionState.Connected, alice.State);
    }
}
