using System.Text;
using Orleans.Core.Internal;
using OrleansCoord.Acls;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Grains.Tests.Support;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

/// <summary>ACLs through the SDK: stored with the znode, enforced per operation as ZooKeeper does, durable.</summary>
public abstract class AclTests(ClusterFixture fixture)
{
    private static readonly AclEntry[] AliceOnly = [Acl.DigestEntry("alice", "secret", AclPerms.All)];

    private static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);

    private static string Unique(string name) => $"/{name}-{Guid.NewGuid():N}";

    private static async Task<CoordErrorCode> CodeOf(Func<Task> call) => (await Assert.ThrowsAsync<CoordException>(call)).Code;

    private async Task<CoordClient> AliceAsync()
    {
        var client = await fixture.ConnectAsync();
        await client.AddAuthAsync("digest", "alice:secret");
        return client;
    }

    [Fact]
    public async Task DigestAcl_OnlyTheIdentityMayReadWriteCreateDelete_ExistsIsUnchecked()
    {
        await using var alice = await AliceAsync();
        await using var anonymous = await fixture.ConnectAsync();
        await using var mallory = await fixture.ConnectAsync();
        await mallory.AddAuthAsync("digest", "alice:wrong-password");
        var path = Unique("acl");
        await alice.CreateAsync(path, Text("v"), AliceOnly);
        await alice.CreateAsync(path + "/child", Text("c"));

        foreach (var other in new[] { anonymous, mallory })
        {
            Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => other.GetDataAsync(path)));
            Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => other.GetChildrenAsync(path)));
            Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => other.GetAllChildrenNumberAsync(path)));
            Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => other.SetDataAsync(path, Text("x"))));
            Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => other.CreateAsync(path + "/new")));
            Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => other.DeleteAsync(path + "/child")));
            Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => other.GetAclAsync(path)));
            Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => other.SetAclAsync(path, Acl.OpenUnsafe)));
            Assert.NotNull(await other.ExistsAsync(path));
        }

        // A refused write changed nothing.
        var read = await alice.GetDataAsync(path);
        Assert.Equal(("v", 0), (Encoding.UTF8.GetString(read.Data), read.Stat.Version));
        Assert.Equal(["child"], (await alice.GetChildrenAsync(path)).Children);

        await alice.SetDataAsync(path, Text("w"));
        await alice.CreateAsync(path + "/second");
        await alice.DeleteAsync(path + "/child");
        Assert.Equal(["second"], (await alice.GetChildrenAsync(path)).Children);
    }

    [Fact]
    public async Task Permissions_AreCheckedOneByOne_CreateAndDeleteOnTheParent()
    {
        await using var alice = await AliceAsync();
        await using var anonymous = await fixture.ConnectAsync();
        var path = Unique("perms");
        // Anyone may read and create children; only alice may write, delete children and administer.
        await alice.CreateAsync(path, Text("v"), [new AclEntry(AclPerms.Read | AclPerms.Create, "world", "anyone"), AliceOnly[0]]);

        Assert.Equal("v", Encoding.UTF8.GetString((await anonymous.GetDataAsync(path)).Data));
        await anonymous.CreateAsync(path + "/made-by-anyone");
        Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => anonymous.SetDataAsync(path, Text("x"))));
        Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => anonymous.DeleteAsync(path + "/made-by-anyone")));
        // The child has its own (default) ACL: writing it is the child's business, not the parent's.
        await anonymous.SetDataAsync(path + "/made-by-anyone", Text("mine"));
        await alice.DeleteAsync(path + "/made-by-anyone");
    }

    [Fact]
    public async Task GetAcl_ShowsHashesOnlyToAdministrators_SetAclIsConditionalAndBumpsAversion()
    {
        await using var alice = await AliceAsync();
        await using var anonymous = await fixture.ConnectAsync();
        var path = Unique("getacl");
        var created = await alice.Create2Async(path, Text("v"), [AliceOnly[0], new AclEntry(AclPerms.Read, "world", "anyone")]);
        Assert.Equal(0, created.Stat.Aversion);

        var full = await alice.GetAclAsync(path);
        Assert.Equal([AliceOnly[0], new AclEntry(AclPerms.Read, "world", "anyone")], full.Acl);
        var hidden = await anonymous.GetAclAsync(path);
        Assert.Equal([new AclEntry(AclPerms.All, "digest", "alice:x"), new AclEntry(AclPerms.Read, "world", "anyone")], hidden.Acl);

        Assert.Equal(CoordErrorCode.BadVersion, await CodeOf(() => alice.SetAclAsync(path, Acl.OpenUnsafe, aclVersion: 3)));
        var stat = await alice.SetAclAsync(path, Acl.OpenUnsafe, aclVersion: 0);
        Assert.Equal((1, created.Stat.Version, created.Stat.Mzxid), (stat.Aversion, stat.Version, stat.Mzxid));
        Assert.Equal(CoordErrorCode.BadVersion, await CodeOf(() => alice.SetAclAsync(path, AliceOnly, aclVersion: 0)));

        var now = await anonymous.GetAclAsync(path);
        Assert.Equal(Acl.OpenUnsafe, now.Acl);
        Assert.Equal(1, now.Stat.Aversion);
        await anonymous.SetDataAsync(path, Text("open now"));
    }

    [Fact]
    public async Task CreatorAll_BecomesTheSessionsIdentities_InvalidAclOtherwise()
    {
        await using var alice = await AliceAsync();
        await using var anonymous = await fixture.ConnectAsync();
        var path = Unique("creator");

        Assert.Equal(CoordErrorCode.InvalidAcl, await CodeOf(() => anonymous.CreateAsync(path, null, Acl.CreatorAll)));
        Assert.Equal(CoordErrorCode.InvalidAcl, await CodeOf(() => alice.CreateAsync(path, null, [])));
        Assert.Equal(CoordErrorCode.InvalidAcl, await CodeOf(() => alice.CreateAsync(path, null, [new AclEntry(AclPerms.All, "sasl", "bob")])));
        Assert.Equal(CoordErrorCode.InvalidAcl, await CodeOf(() => alice.CreateAsync(path, null, [new AclEntry(AclPerms.All, "world", "someone")])));
        Assert.Equal(CoordErrorCode.InvalidAcl, await CodeOf(() => alice.CreateAsync(path, null, [new AclEntry(AclPerms.All, "ip", "10.0.0.0/99")])));
        Assert.Null(await alice.ExistsAsync(path));

        await alice.CreateAsync(path, null, Acl.CreatorAll);
        Assert.Equal([AliceOnly[0]], (await alice.GetAclAsync(path)).Acl);
        Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => anonymous.GetDataAsync(path)));
    }

    [Fact]
    public async Task AddAuth_UnknownSchemeOrMalformedDigest_FailsWithAuthFailed()
    {
        await using var client = await fixture.ConnectAsync();
        Assert.Equal(CoordErrorCode.AuthFailed, await CodeOf(() => client.AddAuthAsync("kerberos", "alice")));
        Assert.Equal(CoordErrorCode.AuthFailed, await CodeOf(() => client.AddAuthAsync("digest", "no-colon")));
        Assert.Empty(client.AuthIds);
        await client.AddAuthAsync("digest", "alice:secret");
        Assert.Equal([new AuthId("digest", Acl.Digest("alice:secret"))], client.AuthIds);
    }

    [Fact]
    public async Task Multi_OpsAreCheckedLikeSingleOps_NothingAppliedOnNoAuth()
    {
        await using var alice = await AliceAsync();
        await using var anonymous = await fixture.ConnectAsync();
        var path = Unique("multi-acl");
        await alice.CreateAsync(path, Text("v"), AliceOnly);
        var open = await anonymous.CreateAsync(Unique("multi-open"));

        var check = await anonymous.MultiAsync([new CreateOp(open + "/a", []), new CheckOp(path)]);
        Assert.Equal([CoordErrorCode.Ok, CoordErrorCode.NoAuth], check.Select(r => r.Code));
        var set = await anonymous.MultiAsync([new SetDataOp(path, Text("x"))]);
        Assert.Equal(CoordErrorCode.NoAuth, set[0].Code);
        var create = await anonymous.MultiAsync([new CreateOp(path + "/c", [])]);
        Assert.Equal(CoordErrorCode.NoAuth, create[0].Code);
        Assert.Empty((await anonymous.GetChildrenAsync(open)).Children);

        var ok = await alice.MultiAsync([new CheckOp(path, 0), new CreateOp(path + "/c", [], Acl: Acl.CreatorAll), new SetDataOp(path, Text("y"))]);
        Assert.All(ok, r => Assert.Equal(CoordErrorCode.Ok, r.Code));
        Assert.Equal([AliceOnly[0]], (await alice.GetAclAsync(path + "/c")).Acl);
        var delete = await anonymous.MultiAsync([new DeleteOp(path + "/c")]);
        Assert.Equal(CoordErrorCode.NoAuth, delete[0].Code);
    }

    [Fact]
    public async Task Acl_SurvivesTheZNodeLoadingItsRecordAgain()
    {
        await using var alice = await AliceAsync();
        await using var anonymous = await fixture.ConnectAsync();
        var path = Unique("durable");
        await alice.CreateAsync(path, Text("v"), AliceOnly);
        await alice.SetAclAsync(path, [AliceOnly[0], new AclEntry(AclPerms.Read, "ip", "10.0.0.0/8")], 0);

        await fixture.Cluster.Client.GetGrain<IZNodeGrain>(path).Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var reloaded = await alice.GetAclAsync(path);
        Assert.Equal([AliceOnly[0], new AclEntry(AclPerms.Read, "ip", "10.0.0.0/8")], reloaded.Acl);
        Assert.Equal(1, reloaded.Stat.Aversion);
        Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => anonymous.GetDataAsync(path)));
    }

    [Fact]
    public async Task SuperDigest_PassesEveryCheck_AndHousekeepingIgnoresAcls()
    {
        await using var alice = await AliceAsync();
        await using var super = await fixture.ConnectAsync();
        await super.AddAuthAsync("digest", TestGrid.SuperUserPassword);
        var path = Unique("super");
        await alice.CreateAsync(path, Text("v"), AliceOnly);

        Assert.Equal("v", Encoding.UTF8.GetString((await super.GetDataAsync(path)).Data));
        await super.SetAclAsync(path, Acl.ReadUnsafe);
        Assert.Equal(Acl.ReadUnsafe, (await super.GetAclAsync(path)).Acl);

        // Nobody may delete children of the parent, yet a TTL child still expires: the grid's housekeeping is not a caller.
        await super.SetAclAsync(path, [new AclEntry(AclPerms.Read | AclPerms.Create, "world", "anyone")]);
        await alice.CreateAsync(path + "/keep");
        await alice.CreateAsync(path + "/ttl", null, CreateMode.PersistentWithTtl, ttlMs: 200);
        Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => alice.DeleteAsync(path + "/keep")));
        await Poll.UntilAsync(async () => await alice.ExistsAsync(path + "/ttl") is null, TimeSpan.FromSeconds(30), "expiry of a TTL child under a no-delete ACL");
    }
}

public sealed class AclTestsOnMemory(ClusterFixture fixture) : AclTests(fixture), IClassFixture<ClusterFixture>;

public sealed class AclTestsOnAzurite(AzuriteClusterFixture fixture) : AclTests(fixture), IClassFixture<AzuriteClusterFixture>;

public sealed class AclTestsOnPostgres(PostgresClusterFixture fixture) : AclTests(fixture), IClassFixture<PostgresClusterFixture>;
