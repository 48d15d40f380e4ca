using System.Text;
using Orleans.Runtime;
using OrleansCoord.Acls;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Recipes;
using OrleansCoord.Recipes.Barriers;
using OrleansCoord.Sessions;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

/// <summary>
/// Identities are proven to the grid, never asserted (docs/adr/013-identities.md): whatever an Orleans client puts in
/// its request context, a call carries only what its session proved.
/// </summary>
public sealed class ProvenIdentityTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly AclEntry[] AliceOnly = [Acl.DigestEntry("alice", "secret", AclPerms.All)];
    private static readonly AuthId Alice = new("digest", Acl.Digest("alice:secret"));

    private static async Task<CoordErrorCode> CodeOf(Func<Task> call) => (await Assert.ThrowsAsync<CoordException>(call)).Code;

    private IZNodeGrain Node(string path) => fixture.Cluster.Client.GetGrain<IZNodeGrain>(path);

    private ISessionGrain Session(long id) => fixture.Cluster.Client.GetGrain<ISessionGrain>(id);

    private async Task<(CoordClient Alice, string Path)> AliceNodeAsync()
    {
        var alice = await fixture.ConnectAsync();
        await alice.AddAuthAsync("digest", "alice:secret");
        var path = await alice.CreateAsync($"/proven-{Guid.NewGuid():N}", Encoding.UTF8.GetBytes("v"), AliceOnly);
        return (alice, path);
    }

    /// <summary>Identities in the request context, as the grid took them before (Caller's key, without a credential).</summary>
    private static void Claim(params AuthId[] identities) => RequestContext.Set("coord.auth", identities);

    [Fact]
    public async Task ForgedRequestContext_DigestIdentity_NoAuth()
    {
        var (alice, path) = await AliceNodeAsync();
        await using var _ = alice;

        Claim(Alice);
        Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => Node(path).GetData()));
        Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => Node(path).SetData([1], -1, 0)));
        RequestContext.Clear();
        Assert.Equal("v", Encoding.UTF8.GetString((await alice.GetDataAsync(path)).Data));
    }

    [Fact]
    public async Task ClaimedSuperDigest_NotProven_NoAuth()
    {
        var (alice, path) = await AliceNodeAsync();
        await using var _ = alice;

        Claim(new AuthId("digest", Acl.Digest(TestGrid.SuperUserPassword)));
        Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => Node(path).GetData()));
        Claim(AuthId.Super);
        Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => Node(path).SetAcl(Acl.OpenUnsafe, -1, 0)));
        RequestContext.Clear();
        Assert.Equal(AliceOnly, (await alice.GetAclAsync(path)).Acl);
    }

    [Fact]
    public async Task ForgedOrTamperedCredential_AuthFailed()
    {
        var (alice, path) = await AliceNodeAsync();
        await using var _ = alice;
        await using var mallory = await fixture.ConnectAsync();
        var own = mallory.Credential;

        CallerCredential[] forgeries =
        [
            new(mallory.SessionId, new byte[16], [Alice], new byte[32]),
            own with { Identities = [Alice] },
            own with { Identities = [AuthId.Super] },
            own with { Identities = [new AuthId("digest", Acl.Digest(TestGrid.SuperUserPassword))] },
            alice.Credential with { Secret = own.Secret },
            alice.Credential with { SessionId = mallory.SessionId },
            // Alice's own secret and signature with more identities than were signed: the silo has just verified
            // Alice's credential (below) and must not take these bytes for it.
            alice.Credential with { Identities = [Alice, AuthId.Super] },
        ];
        Caller.Use(alice.Credential);
        Assert.Equal("v", Encoding.UTF8.GetString((await Node(path).GetData()).Data));
        foreach (var forged in forgeries)
        {
            Caller.Use(forged);
            Assert.Equal(CoordErrorCode.AuthFailed, await CodeOf(() => Node(path).GetData()));
        }

        Caller.Use(null);
        Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => mallory.GetDataAsync(path)));
    }

    [Fact]
    public async Task AnotherSessionsId_WithoutItsSecret_Refused()
    {
        var (alice, path) = await AliceNodeAsync();
        await using var _ = alice;
        await using var mallory = await fixture.ConnectAsync();

        foreach (var carried in new CallerCredential?[] { null, mallory.Credential, mallory.Credential with { SessionId = alice.SessionId } })
        {
            Caller.Use(carried);
            Assert.Equal(CoordErrorCode.AuthFailed, await CodeOf(() => Session(alice.SessionId).AddAuth("digest", "bob:pw")));
            Assert.Equal(CoordErrorCode.AuthFailed, await CodeOf(() => Session(alice.SessionId).Close()));
            Assert.Equal(CoordErrorCode.AuthFailed, await CodeOf(() => Session(alice.SessionId).Heartbeat()));
            Assert.Equal(CoordErrorCode.AuthFailed, await CodeOf(() => Session(alice.SessionId).GetEphemerals()));
        }

        // Opening the id again does not hand out its credential.
        Caller.Use(null);
        await Assert.ThrowsAsync<RetryableConflictException>(() => Session(alice.SessionId).Open(10_000));

        Assert.Equal(SessionState.Connected, alice.State);
        Assert.Equal("v", Encoding.UTF8.GetString((await alice.GetDataAsync(path)).Data));
    }

    [Fact]
    public async Task AnotherSessionsId_AsTheOwnerOfAnEphemeral_Refused()
    {
        await using var alice = await fixture.ConnectAsync();
        await using var mallory = await fixture.ConnectAsync();
        var name = $"owned-{Guid.NewGuid():N}";

        foreach (var carried in new CallerCredential?[] { null, mallory.Credential })
        {
            Caller.Use(carried);
            Assert.Equal(CoordErrorCode.AuthFailed, await CodeOf(() =>
                Node("/").CreateChild(new CreateRequest(name, [], CreateMode.Ephemeral, 0, alice.SessionId, 0))));
            Assert.Equal(CoordErrorCode.AuthFailed, await CodeOf(() =>
                fixture.Cluster.Client.GetGrain<IMultiGrain>(0).Multi([new CreateOp("/" + name, [], CreateMode.Ephemeral)], alice.SessionId, 0)));
        }

        Caller.Use(null);
        Assert.Null(await alice.ExistsAsync("/" + name));
        await mallory.CreateAsync("/" + name, mode: CreateMode.Ephemeral);
        Assert.Equal(mallory.SessionId, (await alice.ExistsAsync("/" + name))!.EphemeralOwner);
    }

    [Fact]
    public async Task AnotherSessionsId_InALockRequest_Refused()
    {
        await using var alice = await fixture.ConnectAsync();
        await using var mallory = await fixture.ConnectAsync();
        var name = $"proven-lock-{Guid.NewGuid():N}";
        var grain = fixture.Cluster.Client.GetGrain<ILeaseGrain>(RecipeLimits.GrainKey(LeaseKind.Lock, name));
        var grantId = Guid.NewGuid();
        Caller.Use(alice.Credential); // alice's own call, as her SDK makes it
        Assert.True((await grain.Acquire(new LeaseAcquire(alice.SessionId, "", grantId, LeaseMode.Exclusive, 1, 0))).Granted);

        foreach (var carried in new CallerCredential?[] { null, mallory.Credential })
        {
            Caller.Use(carried);
            Assert.Equal(CoordErrorCode.AuthFailed, await CodeOf(() => grain.Release(alice.SessionId, "", grantId)));
            Assert.Equal(CoordErrorCode.AuthFailed, await CodeOf(() => grain.Cancel(alice.SessionId, grantId)));
            Assert.Equal(CoordErrorCode.AuthFailed, await CodeOf(() =>
                grain.Acquire(new LeaseAcquire(alice.SessionId, "", Guid.NewGuid(), LeaseMode.Exclusive, 1, 0))));
        }

        Caller.Use(null);
        Assert.Equal(alice.SessionId, (await grain.Observe(-1, -1, 0)).Holders.Single().SessionId);
    }

    [Fact]
    public async Task AnotherSessionsId_EnteringABarrier_Refused()
    {
        await using var alice = await fixture.ConnectAsync();
        await using var mallory = await fixture.ConnectAsync();
        var name = $"proven-barrier-{Guid.NewGuid():N}";
        var barrier = fixture.Cluster.Client.GetGrain<IBarrierGrain>(name);

        foreach (var carried in new CallerCredential?[] { null, mallory.Credential })
        {
            Caller.Use(carried);
            Assert.Equal(CoordErrorCode.AuthFailed, await CodeOf(() => barrier.Enter(Guid.NewGuid(), alice.SessionId, 2)));
            Assert.Equal(CoordErrorCode.AuthFailed, await CodeOf(() =>
                fixture.Cluster.Client.GetGrain<IDoubleBarrierGrain>(name).Enter(Guid.NewGuid(), alice.SessionId, 2)));
        }

        Caller.Use(null);
        Assert.Equal(0, (await barrier.Status()).Members);
    }

    [Fact]
    public async Task AddAuth_IsCheckedByTheGrid_AndTheCredentialCarriesOnlyWhatWasProven()
    {
        var (alice, path) = await AliceNodeAsync();
        await using var _ = alice;
        Assert.Equal([Alice], alice.AuthIds);
        Assert.Equal([Alice], alice.Credential.Identities);

        Caller.Use(alice.Credential);
        Assert.Equal(CoordErrorCode.AuthFailed, await CodeOf(() => Session(alice.SessionId).AddAuth("super", "")));
        Assert.Equal(CoordErrorCode.AuthFailed, await CodeOf(() => Session(alice.SessionId).AddAuth("digest", "no-colon")));

        // The credential the grid hands out works on its own, on any silo, for as many calls as the session lives.
        var both = await Session(alice.SessionId).AddAuth("digest", "bob:pw");
        Assert.Equal([Alice, new AuthId("digest", Acl.Digest("bob:pw"))], both.Identities);
        Caller.Use(both);
        for (var i = 0; i < 5; i++) Assert.Equal("v", Encoding.UTF8.GetString((await Node(path).GetData()).Data));
        Caller.Use(null);
    }
}
