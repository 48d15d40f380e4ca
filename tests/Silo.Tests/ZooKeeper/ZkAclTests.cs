using System.Security.Cryptography;
using System.Text;
using OrleansCoord.Acls;
using OrleansCoord.Errors;
using static OrleansCoord.Silo.Tests.GridConnect;
using static OrleansCoord.Silo.Tests.ZooKeeper.ZkRequests;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>ACLs, addauth, whoAmI and SessionMoved at the byte level, and ACLs shared between wire and SDK clients.</summary>
[Collection(nameof(ZkSiloCollection))]
public sealed class ZkAclTests(ZkSiloFixture grid)
{
    private const int All = 31, Read = 1, Create = 4;

    /// <summary>ZooKeeper's digest id, computed here on its own: user:base64(sha1("user:password")).</summary>
    private static string DigestId(string user, string password) =>
        user + ":" + Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static async Task<RawZkConnection> AuthenticatedAsync(int port, string userPassword)
    {
        var zk = await RawZkConnection.ConnectAsync(port);
        var reply = await zk.CallAsync(Op.Auth, Auth("digest", userPassword), fixedXid: -4);
        Assert.Equal(Err.Ok, reply.Err);
        return zk;
    }

    [Fact]
    public async Task DigestAcl_IsEnforcedPerOperation_AndGetAclHidesHashesWithoutAdmin()
    {
        var path = $"/zkacl-{Guid.NewGuid():N}";
        var alice = DigestId("alice", "secret");
        await using var owner = await AuthenticatedAsync(grid.ZkPort, "alice:secret");
        await using var stranger = await RawZkConnection.ConnectAsync(grid.ZkPort);
        await using var impostor = await AuthenticatedAsync(grid.ZkPort, "alice:guess");

        Assert.Equal(Err.Ok, (await owner.CallAsync(Op.Create, CreateWithAcl(path, "v", (All, "digest", alice)))).Err);
        Assert.Equal(Err.Ok, (await owner.CallAsync(Op.Create, Create($"{path}/child"))).Err);
        foreach (var other in new[] { stranger, impostor })
        {
            Assert.Equal(Err.NoAuth, (await other.CallAsync(Op.GetData, PathWatch(path))).Err);
            Assert.Equal(Err.NoAuth, (await other.CallAsync(Op.GetChildren2, PathWatch(path))).Err);
            Assert.Equal(Err.NoAuth, (await other.CallAsync(Op.SetData, SetData(path, "x"))).Err);
            Assert.Equal(Err.NoAuth, (await other.CallAsync(Op.Create, Create($"{path}/new"))).Err);
            Assert.Equal(Err.NoAuth, (await other.CallAsync(Op.Delete, Delete($"{path}/child"))).Err);
            Assert.Equal(Err.NoAuth, (await other.CallAsync(Op.GetAcl, Path(path))).Err);
            Assert.Equal(Err.NoAuth, (await other.CallAsync(Op.SetAcl, SetAcl(path, -1, (All, "world", "anyone")))).Err);
            Assert.Equal(Err.Ok, (await other.CallAsync(Op.Exists, PathWatch(path))).Err);
        }

        var acl = await owner.CallAsync(Op.GetAcl, Path(path));
        Assert.Equal(Err.Ok, acl.Err);
        Assert.Equal([(All, "digest", alice)], acl.Body.Acl());
        Assert.Equal(0, acl.Body.StatAversion());

        // setACL is conditional on the ACL version and bumps it.
        Assert.Equal(Err.BadVersion, (await owner.CallAsync(Op.SetAcl, SetAcl(path, 5, (All, "digest", alice), (Read, "world", "anyone")))).Err);
        var set = await owner.CallAsync(Op.SetAcl, SetAcl(path, 0, (All, "digest", alice), (Read, "world", "anyone")));
        Assert.Equal(Err.Ok, set.Err);
        Assert.Equal(1, set.Body.StatAversion());

        Assert.Equal("v", ZkRequests.Text((await stranger.CallAsync(Op.GetData, PathWatch(path))).Body.Buffer()));
        var hidden = await stranger.CallAsync(Op.GetAcl, Path(path));
        Assert.Equal([(All, "digest", "alice:x"), (Read, "world", "anyone")], hidden.Body.Acl());
        Assert.Equal(Err.NoAuth, (await stranger.CallAsync(Op.SetData, SetData(path, "x"))).Err);
        Assert.Equal(Err.Ok, (await owner.CallAsync(Op.Delete, Delete($"{path}/child"))).Err);
    }

    [Fact]
    public async Task AuthScheme_IsTheConnectionsDigest_InvalidAclWithoutOne_AndIpMatchesTheClientAddress()
    {
        var root = $"/zkacl-auth-{Guid.NewGuid():N}";
        await using var anonymous = await RawZkConnection.ConnectAsync(grid.ZkPort);
        Assert.Equal(Err.Ok, (await anonymous.CallAsync(Op.Create, Create(root))).Err);
        Assert.Equal(Err.InvalidAcl, (await anonymous.CallAsync(Op.Create, CreateWithAcl($"{root}/a", "", (All, "auth", "")))).Err);
        Assert.Equal(Err.InvalidAcl, (await anonymous.CallAsync(Op.Create, CreateWithAcl($"{root}/a", ""))).Err);
        Assert.Equal(Err.InvalidAcl, (await anonymous.CallAsync(Op.Create, CreateWithAcl($"{root}/a", "", (All, "nosuch", "cn=me")))).Err);
        Assert.Equal(Err.NoNode, (await anonymous.CallAsync(Op.Exists, PathWatch($"{root}/a"))).Err);

        await using var bob = await AuthenticatedAsync(grid.ZkPort, "bob:pw");
        Assert.Equal(Err.Ok, (await bob.CallAsync(Op.Create, CreateWithAcl($"{root}/a", "", (All, "auth", "")))).Err);
        Assert.Equal([(All, "digest", DigestId("bob", "pw"))], (await bob.CallAsync(Op.GetAcl, Path($"{root}/a"))).Body.Acl());

        // The tests' client is on loopback: its ip identity is 127.0.0.1.
        Assert.Equal(Err.Ok, (await anonymous.CallAsync(Op.Create, CreateWithAcl($"{root}/lo", "lo", (All, "ip", "127.0.0.0/8")))).Err);
        Assert.Equal("lo", ZkRequests.Text((await anonymous.CallAsync(Op.GetData, PathWatch($"{root}/lo"))).Body.Buffer()));
        Assert.Equal(Err.Ok, (await anonymous.CallAsync(Op.Create, CreateWithAcl($"{root}/far", "", (All, "ip", "10.1.2.3/8"), (Create, "ip", "127.0.0.1")))).Err);
        Assert.Equal(Err.NoAuth, (await anonymous.CallAsync(Op.GetData, PathWatch($"{root}/far"))).Err);
        Assert.Equal(Err.Ok, (await anonymous.CallAsync(Op.Create, Create($"{root}/far/child"))).Err);
    }

    [Fact]
    public async Task WhoAmI_ListsTheConnectionsIdentities_AndAnUnknownAuthSchemeFailsAndCloses()
    {
        await using var zk = await RawZkConnection.ConnectAsync(grid.ZkPort);
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Auth, Auth("digest", "carol:pw"), fixedXid: -4)).Err);
        var who = await zk.CallAsync(Op.WhoAmI, new RawZkConnection.Packet());
        Assert.Equal(Err.Ok, who.Err);
        var infos = Enumerable.Range(0, who.Body.Int()).Select(_ => (who.Body.String(), who.Body.String())).ToList();
        Assert.Equal([("ip", "127.0.0.1"), ("digest", "carol")], infos);

        var failed = await zk.CallAsync(Op.Auth, Auth("kerberos", "carol"), fixedXid: -4);
        Assert.Equal(Err.AuthFailed, failed.Err);
        Assert.Empty(await zk.ReadUntilClosedAsync());
    }

    [Fact]
    public async Task Multi_ChecksEachOpsAcl_AndAppliesNothingOnNoAuth()
    {
        var root = $"/zkacl-multi-{Guid.NewGuid():N}";
        await using var owner = await AuthenticatedAsync(grid.ZkPort, "dave:pw");
        await using var stranger = await RawZkConnection.ConnectAsync(grid.ZkPort);
        Assert.Equal(Err.Ok, (await owner.CallAsync(Op.Create, Create(root))).Err);
        Assert.Equal(Err.Ok, (await owner.CallAsync(Op.Create, CreateWithAcl($"{root}/locked", "", (All, "auth", "")))).Err);

        var failed = await stranger.CallAsync(Op.Multi, Multi((Op.Create, Create($"{root}/free")), (Op.Check, Delete($"{root}/locked", 0))));
        Assert.Equal(Err.Ok, failed.Err);
        foreach (var expected in new[] { Err.Ok, Err.NoAuth })
        {
            Assert.Equal(-1, failed.Body.Int());
            _ = failed.Body.Byte();
            Assert.Equal(expected, failed.Body.Int());
            Assert.Equal(expected, failed.Body.Int());
        }

        Assert.Equal(Err.NoNode, (await stranger.CallAsync(Op.Exists, PathWatch($"{root}/free"))).Err);
        var passed = await owner.CallAsync(Op.Multi, Multi((Op.Create, Create($"{root}/free")), (Op.Check, Delete($"{root}/locked", 0))));
        Assert.Equal(Op.Create, passed.Body.Int());
        _ = passed.Body.Byte();
        Assert.Equal(Err.Ok, passed.Body.Int());
        Assert.Equal(Err.Ok, (await stranger.CallAsync(Op.Exists, PathWatch($"{root}/free"))).Err);
    }

    [Fact]
    public async Task AclSetOverTheWire_BindsTheSdk_AndAnAclSetThroughTheSdk_BindsTheWire()
    {
        var root = $"/zkacl-shared-{Guid.NewGuid():N}";
        await using var wire = await AuthenticatedAsync(grid.ZkPort, "erin:pw");
        await using var wireStranger = await RawZkConnection.ConnectAsync(grid.ZkPort);
        await using var sdk = await GridConnect.ToAsync(grid.Silo, grid.ClusterId);
        await using var sdkErin = await GridConnect.ToAsync(grid.Silo, grid.ClusterId);
        await sdkErin.AddAuthAsync("digest", "erin:pw");

        Assert.Equal(Err.Ok, (await wire.CallAsync(Op.Create, CreateWithAcl(root, "by wire", (All, "auth", "")))).Err);
        var refused = await Assert.ThrowsAsync<CoordException>(() => sdk.GetDataAsync(root, Ct));
        Assert.Equal(CoordErrorCode.NoAuth, refused.Code);
        Assert.Equal("by wire", ZkRequests.Text((await sdkErin.GetDataAsync(root, Ct)).Data));
        Assert.Equal(CoordErrorCode.NoAuth, (await Assert.ThrowsAsync<CoordException>(() => sdk.GetAclAsync(root, Ct))).Code);
        Assert.Equal([new AclEntry(AclPerms.All, "digest", DigestId("erin", "pw"))], (await sdkErin.GetAclAsync(root, Ct)).Acl);

        // The reverse: an ACL set through the SDK binds wire clients.
        await sdkErin.SetAclAsync(root, [new AclEntry(AclPerms.Read, "world", "anyone"), new AclEntry(AclPerms.All, "auth", "")], 0, Ct);
        Assert.Equal("by wire", ZkRequests.Text((await wireStranger.CallAsync(Op.GetData, PathWatch(root))).Body.Buffer()));
        Assert.Equal(Err.NoAuth, (await wireStranger.CallAsync(Op.SetData, SetData(root, "x"))).Err);
        var acl = await wire.CallAsync(Op.GetAcl, Path(root));
        Assert.Equal([(Read, "world", "anyone"), (All, "digest", DigestId("erin", "pw"))], acl.Body.Acl());
        Assert.Equal(1, acl.Body.StatAversion());
        Assert.Equal(Err.Ok, (await wire.CallAsync(Op.SetData, SetData(root, "erin again"))).Err);
    }

    [Fact]
    public async Task SuperDigestFlag_LetsItsHolderPastEveryAcl()
    {
        var path = $"/zkacl-super-{Guid.NewGuid():N}";
        await using var owner = await AuthenticatedAsync(grid.ZkPort, "frank:pw");
        await using var super = await AuthenticatedAsync(grid.ZkPort, ZkSiloFixture.SuperUserPassword);
        Assert.Equal(Err.Ok, (await owner.CallAsync(Op.Create, CreateWithAcl(path, "frank's", (All, "auth", "")))).Err);
        Assert.Equal("frank's", ZkRequests.Text((await super.CallAsync(Op.GetData, PathWatch(path))).Body.Buffer()));
        Assert.Equal(Err.Ok, (await super.CallAsync(Op.SetAcl, SetAcl(path, 0, (Read, "world", "anyone")))).Err);
        Assert.Equal(Err.NoAuth, (await owner.CallAsync(Op.SetData, SetData(path, "x"))).Err);
    }

    [Fact]
    public async Task SessionResumedOnANewConnection_ClosesTheOldConnection()
    {
        await using var first = await RawZkConnection.ConnectAsync(grid.ZkPort);
        Assert.Equal(Err.Ok, (await first.CallAsync(Op.Ping, new RawZkConnection.Packet())).Err);
        await using var second = await RawZkConnection.ConnectAsync(grid.ZkPort, sessionId: first.SessionId, password: first.Password);
        Assert.Equal(first.SessionId, second.SessionId);

        // As ZooKeeper does with a session that reconnected: the old connection is closed; the new one serves.
        Assert.Empty(await first.ReadUntilClosedAsync());
        Assert.Equal(Err.Ok, (await second.CallAsync(Op.Ping, new RawZkConnection.Packet())).Err);
        Assert.Equal(Err.NoNode, (await second.CallAsync(Op.Exists, PathWatch($"/moved-{Guid.NewGuid():N}"))).Err);
    }
}
