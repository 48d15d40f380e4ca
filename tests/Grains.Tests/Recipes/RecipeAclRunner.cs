using System.Text;
using Orleans.Runtime;
using OrleansCoord.Acls;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Recipes;
using OrleansCoord.Recipes.Acls;
using OrleansCoord.Recipes.Counters;
using OrleansCoord.Recipes.Queues;
using static OrleansCoord.Grains.Tests.Recipes.LeaseProbe;

namespace OrleansCoord.Grains.Tests.Recipes;

/// <summary>
/// Recipe ACLs (docs/adr/018-recipe-acls.md), run against each store: a protected recipe refuses sessions without the
/// identity and admits one with it, for every kind; forged identities are refused; one's own release always passes.
/// </summary>
internal static class RecipeAclRunner
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    public static readonly AclEntry[] AliceAll = [Acl.DigestEntry("alice", "secret", AclPerms.All)];
    private static readonly AuthId Alice = new("digest", Acl.Digest("alice:secret"));

    /// <summary>What a session does with a recipe of each kind: use it (the permission that takes) and read its state.</summary>
    private sealed record KindUse(RecipeKind Kind, Func<CoordClient, string, Task> Use, Func<CoordClient, string, Task> Read);

    private static readonly KindUse[] Kinds =
    [
        new(RecipeKind.Lock, async (c, n) => { await using var held = await c.Locks.AcquireAsync(n, Wait); }, (c, n) => c.Locks.GetHolderAsync(n)),
        new(RecipeKind.ReadWriteLock, async (c, n) => { await using var held = await c.ReadWriteLocks.AcquireWriteAsync(n, Wait); }, (c, n) => ObserveAsync(c, LeaseKind.ReadWriteLock, n)),
        new(RecipeKind.Semaphore, async (c, n) => { await using var held = await c.Semaphores.AcquireAsync(n, 2, Wait); }, (c, n) => ObserveAsync(c, LeaseKind.Semaphore, n)),
        new(RecipeKind.Election, async (c, n) => { await using var leading = await c.Elections.CampaignAsync(n, "candidate", Wait); }, (c, n) => c.Elections.GetLeaderAsync(n)),
        new(RecipeKind.Queue, async (c, n) =>
        {
            await c.Queues.PutAsync(n, Encoding.UTF8.GetBytes("m"));
            var item = await c.Queues.TakeAsync(n, Wait) ?? throw new InvalidOperationException("no message");
            await c.Queues.AckAsync(n, item.Receipt);
        }, (c, n) => c.Queues.LengthAsync(n)),
        new(RecipeKind.Counter, (c, n) => c.Counters.AddAsync(n, 1), (c, n) => c.Counters.GetAsync(n)),
        new(RecipeKind.Barrier, async (c, n) => Assert.True(await c.Barriers.EnterAsync(n, 1, Wait)), (c, n) => c.Barriers.StatusAsync(n)),
        new(RecipeKind.DoubleBarrier, async (c, n) =>
        {
            var entry = await c.DoubleBarriers.EnterAsync(n, 1, Wait) ?? throw new InvalidOperationException("not let in");
            Assert.True(await entry.LeaveAsync(Wait));
        }, (c, n) => c.DoubleBarriers.StatusAsync(n)),
    ];

    private static async Task<CoordErrorCode> CodeOf(Func<Task> call) => (await Assert.ThrowsAsync<CoordException>(call)).Code;

    private static async Task<CoordClient> AuthenticatedAsync(ClusterFixture fixture, string userPassword, TimeSpan? timeout = null)
    {
        var client = await fixture.ConnectAsync(timeout);
        await client.AddAuthAsync("digest", userPassword);
        return client;
    }

    /// <summary>A lease's view read with the session's credential, as the SDK's own reads send it.</summary>
    private static Task<LeaseView> ObserveAsync(CoordClient client, LeaseKind kind, string name)
    {
        Caller.Use(client.Credential);
        return client.GrainFactory.GetGrain<ILeaseGrain>(RecipeLimits.GrainKey(kind, name)).Observe(-1, -1, 0);
    }

    /// <summary>For every kind: an ACL set before the recipe's first use refuses an anonymous session and one with another
    /// identity (use and read: NoAuth, nothing left behind), admits the session with the identity, and still refuses the
    /// others once the recipe is empty again.</summary>
    public static async Task EveryKind_ProtectedBeforeFirstUse_RefusesOthers_AdmitsIdentity_StaysAfterEmptying(ClusterFixture fixture)
    {
        await using var alice = await AuthenticatedAsync(fixture, "alice:secret");
        await using var bob = await AuthenticatedAsync(fixture, "bob:other");
        await using var anonymous = await fixture.ConnectAsync();
        foreach (var kind in Kinds)
        {
            var name = UniqueName("acl-" + kind.Kind);
            await alice.SetRecipeAclAsync(kind.Kind, name, AliceAll);
            Assert.Equal(AliceAll, await alice.GetRecipeAclAsync(kind.Kind, name));

            foreach (var stranger in new[] { anonymous, bob })
            {
                Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => kind.Use(stranger, name)));
                Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => kind.Read(stranger, name)));
                Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => stranger.GetRecipeAclAsync(kind.Kind, name)));
                Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => stranger.SetRecipeAclAsync(kind.Kind, name, Acl.OpenUnsafe)));
            }

            await AssertUntouchedAsync(alice, kind.Kind, name);
            await kind.Use(alice, name);
            await kind.Read(alice, name);

            // Empty again (released, acked, left): the ACL is still there.
            Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => kind.Use(anonymous, name)));
            Assert.Equal(AliceAll, await alice.GetRecipeAclAsync(kind.Kind, name));
        }
    }

    /// <summary>The refused calls left nothing: no holder, no waiter, no message, no change, nobody in a barrier.</summary>
    private static async Task AssertUntouchedAsync(CoordClient alice, RecipeKind kind, string name)
    {
        switch (kind)
        {
            case RecipeKind.Queue:
                Assert.Equal(new QueueLength(0, 0), await alice.Queues.LengthAsync(name));
                break;
            case RecipeKind.Counter:
                Assert.Equal(0, await alice.Counters.GetAsync(name));
                break;
            case RecipeKind.Barrier:
                Assert.Equal(0, (await alice.Barriers.StatusAsync(name)).Members);
                break;
            case RecipeKind.DoubleBarrier:
                Assert.Equal(0, (await alice.DoubleBarriers.StatusAsync(name)).Members);
                break;
            default:
                var leaseKind = Enum.Parse<LeaseKind>(kind.ToString());
                var view = await ObserveAsync(alice, leaseKind, name);
                Assert.Empty(view.Holders);
                Assert.Equal(0, view.Waiters);
                break;
        }
    }

    /// <summary>Identities put into the request context without the grid's signature count for nothing, and a credential
    /// whose identities were changed does not verify; either way the recipe is unchanged.</summary>
    public static async Task ForgedIdentities_Refused_NothingChanged(ClusterFixture fixture)
    {
        await using var alice = await AuthenticatedAsync(fixture, "alice:secret");
        await using var mallory = await fixture.ConnectAsync();
        var (counter, queue, lockName) = (UniqueName("forged-counter"), UniqueName("forged-queue"), UniqueName("forged-lock"));
        await alice.SetRecipeAclAsync(RecipeKind.Counter, counter, AliceAll);
        await alice.SetRecipeAclAsync(RecipeKind.Queue, queue, AliceAll);
        await alice.SetRecipeAclAsync(RecipeKind.Lock, lockName, AliceAll);
        var grains = fixture.Cluster.Client;
        var lease = grains.GetGrain<ILeaseGrain>(RecipeLimits.GrainKey(LeaseKind.Lock, lockName));
        var acquire = new LeaseAcquire(mallory.SessionId, "", Guid.NewGuid(), LeaseMode.Exclusive, 1, 0);
        try
        {
            // Bare identities under the request context's key, as clients sent them before ADR 013.
            foreach (var claimed in new[] { Alice, AuthId.Super, new AuthId("digest", Acl.Digest(TestGrid.SuperUserPassword)) })
            {
                RequestContext.Set("coord.auth", new[] { claimed });
                Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => grains.GetGrain<ICounterGrain>(counter).Add(Guid.NewGuid(), 5)));
                Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => grains.GetGrain<IQueueGrain>(queue).Put(Guid.NewGuid(), [1], 0)));
                Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => grains.GetGrain<ICounterGrain>(counter).SetAcl(Acl.OpenUnsafe)));
            }

            // Mallory's own credential with alice's identity (or the super digest's) put in: the signature does not match.
            foreach (var claimed in new[] { Alice, AuthId.Super })
            {
                Caller.Use(mallory.Credential with { Identities = [claimed] });
                Assert.Equal(CoordErrorCode.AuthFailed, await CodeOf(() => grains.GetGrain<ICounterGrain>(counter).Add(Guid.NewGuid(), 5)));
                Assert.Equal(CoordErrorCode.AuthFailed, await CodeOf(() => lease.Acquire(acquire)));
                Assert.Equal(CoordErrorCode.AuthFailed, await CodeOf(() => lease.SetAcl(Acl.OpenUnsafe)));
            }

            Caller.Use(mallory.Credential);
            Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => lease.Acquire(acquire)));

            // A receipt is no capability (it names the message and its hand-out): acking or giving back takes DELETE.
            await alice.Queues.PutAsync(queue, [7]);
            var taken = await alice.Queues.TakeAsync(queue, Wait) ?? throw new InvalidOperationException("no message");
            Caller.Use(mallory.Credential);
            Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => grains.GetGrain<IQueueGrain>(queue).Ack(Guid.NewGuid(), taken.Receipt)));
            Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => grains.GetGrain<IQueueGrain>(queue).Release(Guid.NewGuid(), taken.Receipt)));
            Assert.Equal(new QueueLength(0, 1), await alice.Queues.LengthAsync(queue));
            await alice.Queues.AckAsync(queue, taken.Receipt);
        }
        finally
        {
            RequestContext.Clear();
        }

        Assert.Equal(0, await alice.Counters.GetAsync(counter));
        Assert.Equal(new QueueLength(0, 0), await alice.Queues.LengthAsync(queue));
        Assert.Null(await alice.Locks.GetHolderAsync(lockName));
        Assert.Equal(AliceAll, await alice.GetRecipeAclAsync(RecipeKind.Lock, lockName));
    }

    /// <summary>
    /// A session can always let go: a holder whom the ACL no longer admits still releases; a holder's ended session
    /// releases what it held; a waiter the new ACL refuses loses its place (NoAuth) instead of being granted later.
    /// </summary>
    public static async Task OwnRelease_AlwaysPasses_SessionEndReleases_RefusedWaiterLeaves(ClusterFixture fixture)
    {
        await using var alice = await AuthenticatedAsync(fixture, "alice:secret");
        await using var bob = await AuthenticatedAsync(fixture, "bob:other");
        var carol = await AuthenticatedAsync(fixture, "carol:third", TimeSpan.FromSeconds(2));
        await using var dave = await AuthenticatedAsync(fixture, "dave:fourth");
        var name = UniqueName("let-go");
        AclEntry[] everyone =
        [
            .. AliceAll,
            Acl.DigestEntry("bob", "other", AclPerms.Create | AclPerms.Read),
            Acl.DigestEntry("carol", "third", AclPerms.Create),
            Acl.DigestEntry("dave", "fourth", AclPerms.Create),
        ];
        await alice.SetRecipeAclAsync(RecipeKind.Lock, name, everyone);

        // Carol holds; dave waits behind her. Alice then admits only herself and bob.
        var carolHeld = await carol.Locks.AcquireAsync(name, Wait);
        var daveWaits = dave.Locks.AcquireAsync(name, Wait);
        await Poll.UntilAsync(async () => (await ObserveAsync(alice, LeaseKind.Lock, name)).Waiters == 1, Wait, "dave waiting");
        await alice.SetRecipeAclAsync(RecipeKind.Lock, name, [.. AliceAll, Acl.DigestEntry("bob", "other", AclPerms.Create | AclPerms.Read)]);
        Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => daveWaits));

        // Carol's session ends without a release: the grid releases her hold, and bob gets the lock.
        await carol.AbandonAsync();
        await using (var bobHeld = await bob.Locks.AcquireAsync(name, TimeSpan.FromSeconds(30)))
        {
            Assert.Equal(bob.SessionId, (await bob.Locks.GetHolderAsync(name))!.SessionId);
        }

        // Alice holds, then shuts herself out (ADMIN only for bob): her own release still passes.
        var aliceHeld = await alice.Locks.AcquireAsync(name, Wait);
        await alice.SetRecipeAclAsync(RecipeKind.Lock, name, [Acl.DigestEntry("bob", "other", AclPerms.All)]);
        Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => alice.Locks.AcquireAsync(name, TimeSpan.Zero, holder: "again")));
        await aliceHeld.ReleaseAsync();
        Assert.Null(await bob.Locks.GetHolderAsync(name));
        GC.KeepAlive(carolHeld);
    }

    /// <summary>Reading the ACL takes READ or ADMIN and hides digest hashes without ADMIN; changing it takes ADMIN; the
    /// super digest passes everything; <c>world:anyone:cdrwa</c> makes the recipe open again; bad ACLs are InvalidAcl.</summary>
    public static async Task AclReadAndChange_Rules(ClusterFixture fixture)
    {
        await using var alice = await AuthenticatedAsync(fixture, "alice:secret");
        await using var bob = await AuthenticatedAsync(fixture, "bob:other");
        await using var super = await AuthenticatedAsync(fixture, TestGrid.SuperUserPassword);
        await using var anonymous = await fixture.ConnectAsync();
        var name = UniqueName("acl-rules");

        Assert.Equal(Acl.OpenUnsafe, await anonymous.GetRecipeAclAsync(RecipeKind.Queue, name));
        Assert.Equal(CoordErrorCode.InvalidAcl, await CodeOf(() => anonymous.SetRecipeAclAsync(RecipeKind.Queue, name, [new AclEntry(AclPerms.All, "auth", "")])));
        Assert.Equal(CoordErrorCode.InvalidAcl, await CodeOf(() => anonymous.SetRecipeAclAsync(RecipeKind.Queue, name, [])));
        // The grid checks again what the SDK checked: an auth: entry without an identity behind it.
        Caller.Use(anonymous.Credential);
        Assert.Equal(CoordErrorCode.InvalidAcl, await CodeOf(() => fixture.Cluster.Client.GetGrain<IQueueGrain>(name).SetAcl([new AclEntry(AclPerms.All, "auth", "")])));
        RequestContext.Clear();
        await alice.SetRecipeAclAsync(RecipeKind.Queue, name, [new AclEntry(AclPerms.All, "auth", ""), Acl.DigestEntry("bob", "other", AclPerms.Read)]);

        var seenByBob = await bob.GetRecipeAclAsync(RecipeKind.Queue, name);
        Assert.Contains(new AclEntry(AclPerms.All, "digest", "alice:x"), seenByBob);
        Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => bob.SetRecipeAclAsync(RecipeKind.Queue, name, Acl.OpenUnsafe)));
        Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => bob.Queues.PutAsync(name, [1])));
        Assert.Equal(new QueueLength(0, 0), await bob.Queues.LengthAsync(name));

        await super.Queues.PutAsync(name, [1]);
        Assert.Equal(new QueueLength(1, 0), await alice.Queues.LengthAsync(name));
        await super.SetRecipeAclAsync(RecipeKind.Queue, name, Acl.OpenUnsafe);
        Assert.Equal(Acl.OpenUnsafe, await anonymous.GetRecipeAclAsync(RecipeKind.Queue, name));
        Assert.NotNull(await anonymous.Queues.TakeAsync(name, Wait));
    }
}
