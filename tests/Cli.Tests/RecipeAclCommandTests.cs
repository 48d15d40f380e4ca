using System.Security.Cryptography;
using System.Text;
using OrleansCoord.Cli.Tests.Infrastructure;
using static OrleansCoord.Cli.Tests.Infrastructure.CliAssert;

namespace OrleansCoord.Cli.Tests;

/// <summary><c>recipe-acl get|set</c> with the built <c>coord</c> against a real silo (docs/adr/018-recipe-acls.md).</summary>
[Collection(GridCollection.Name)]
public sealed class RecipeAclCommandTests(SiloFixture grid)
{
    private readonly CoordProcess _coord = grid.Coord;

    [Fact]
    public async Task SetBeforeFirstUse_OnlyTheIdentityMayUse_OthersNoAuth()
    {
        var name = $"cli-acl-{Guid.NewGuid():N}";
        var alice = "alice:" + Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes("alice:secret")));

        Assert.Equal(["world:anyone:cdrwa"], Ok(await _coord.RunAsync("recipe-acl", "get", "queue", name)).Lines);
        Ok(await _coord.RunAsync("--auth", "digest:alice:secret", "recipe-acl", "set", "queue", name, "auth::cdrwa,world:anyone:r"));
        Ok(await _coord.RunAsync("--auth", "digest:alice:secret", "recipe-acl", "set", "lock", name, "auth::cdrwa"));

        FailsWith(await _coord.RunAsync("queue", "put", name, "mine"), 1, "NoAuth");
        FailsWith(await _coord.RunAsync("lock", name, "--timeout", "1", "--", "echo", "never"), 1, "NoAuth");
        FailsWith(await _coord.RunAsync("recipe-acl", "set", "queue", name, "world:anyone:cdrwa"), 1, "NoAuth");
        FailsWith(await _coord.RunAsync("--auth", "digest:bob:other", "queue", "put", name, "bobs"), 1, "NoAuth");
        Assert.Equal(["0"], Ok(await _coord.RunAsync("queue", "len", name)).Lines);

        Ok(await _coord.RunAsync("--auth", "digest:alice:secret", "queue", "put", name, "alices"));
        Assert.Equal(["got it"], Ok(await _coord.RunAsync("--auth", "digest:alice:secret", "lock", name, "--", "echo", "got it")).Lines);
        Assert.Equal(["1"], Ok(await _coord.RunAsync("queue", "len", name)).Lines);
        // Without ADMIN the digest hash is hidden, as getacl hides a znode's.
        Assert.Equal(["digest:alice:x:cdrwa", "world:anyone:r"], Ok(await _coord.RunAsync("recipe-acl", "get", "queue", name)).Lines);
        Assert.Equal([$"digest:{alice}:cdrwa"], Ok(await _coord.RunAsync("--auth", "digest:alice:secret", "recipe-acl", "get", "lock", name)).Lines);
    }

    [Fact]
    public async Task BadKindOrAcl_IsRefused()
    {
        FailsWith(await _coord.RunAsync("recipe-acl", "get", "mutex", "x"), 2, "BadArguments");
        FailsWith(await _coord.RunAsync("recipe-acl", "set", "lock", "x", "world:anyone:rx"), 1, "InvalidAcl");
    }
}
