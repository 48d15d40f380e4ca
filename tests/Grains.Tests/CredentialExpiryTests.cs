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
/// after its last renewal. The cluster's lifetime is 2 s, its tolerance 0.5 s, on the fixture's fake clock: the tests move
/// it past an expiry instead of waiting for one.
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

        // Within its lifetime (the clock stands until moved) the captured credential still opens the znode: what this
        // test shows stops, stops by expiry.
        Caller.Use(captured);
        Assert.Equal("v", Encoding.UTF8.GetString((await Node(path).GetData()).Data));

        fixture.Time.SetUtcNow(DateTimeOffset.FromUnixTimeMilliseconds(captured.ExpiresAtMs) + Tolerance + TimeSpan.FromMilliseconds(1));
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

        // Half a lifetime at a time, six times: each step the session's heartbeats (real time, a third of the lifetime
        // apart) must renew the credential, or the next step finds it expired.
        for (var step = 0; step < 6; step++)
        {
            var held = alice.Credential;
            fixture.Time.Advance(Lifetime / 2);
            await Poll.UntilAsync(() => Task.FromResult(alice.Credential.ExpiresAtMs > held.ExpiresAtMs), TimeSpan.FromSeconds(30),
                () => $"step {step}: the credential expiring at {held.ExpiresAtMs} was not renewed");
            Assert.Equal("v", Encoding.UTF8.GetString((await alice.GetDataAsync(path, Ct)).Data));
        }

        Assert.True(alice.Credential.ExpiresAtMs > first.ExpiresAtMs + (long)Lifetime.TotalMilliseconds, "renewed past the first lifetime");
        Assert.Contains(new AuthId("digest", Acl.Digest("alice:secret")), alice.AuthIds);
        Assert.Equal(SessionState.Connected, alice.State);
    }
}
