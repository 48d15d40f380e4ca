using System.Security.Cryptography;
using System.Text;
using OrleansCoord.Cli.Tests.Infrastructure;
using static OrleansCoord.Cli.Tests.Infrastructure.CliAssert;

namespace OrleansCoord.Cli.Tests;

/// <summary>create --acl, getacl, setacl and --auth against a real silo.</summary>
[Collection(GridCollection.Name)]
public sealed class AclCommandTests(SiloFixture grid)
{
    private readonly CoordProcess _coord = grid.Coord;

    [Fact]
    public async Task CreateWithAcl_OnlyTheAuthenticatedMayRead_SetAclOpensItUp()
    {
        var path = UniquePath("acl");
        var alice = "alice:" + Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes("alice:secret")));
        Ok(await _coord.RunAsync("--auth", "digest:alice:secret", "create", "--acl", "auth::cdrwa", path, "private"));

        Fails(await _coord.RunAsync("get", path), 1, $"NoAuth: {path} (r not granted)");
        Assert.Equal(["private"], Ok(await _coord.RunAsync("get", path, "--auth", "digest:alice:secret")).Lines);
        Assert.Equal([$"'digest,'{alice}", ": cdrwa"], Ok(await _coord.RunAsync("getacl", path, "--auth", "digest:alice:secret")).Lines);

        Fails(await _coord.RunAsync("setacl", path, "world:anyone:r", "-v", "3", "--auth", "digest:alice:secret"), 1,
            $"BadVersion: {path} (expected 3, actual 0)");
        Ok(await _coord.RunAsync("setacl", path, $"world:anyone:r,digest:{alice}:cdrwa", "-v", "0", "--auth", "digest:alice:secret"));
        Assert.Equal(["private"], Ok(await _coord.RunAsync("get", path)).Lines);
        Assert.Equal(["'world,'anyone", ": r", "'digest,'alice:x", ": cdrwa"], Ok(await _coord.RunAsync("getacl", path)).Lines);
        Fails(await _coord.RunAsync("set", path, "mine"), 1, $"NoAuth: {path} (w not granted)");
    }

    [Fact]
    public async Task BadAclText_IsRefusedBeforeConnecting()
    {
        var path = UniquePath("badacl");
        FailsWith(await _coord.RunAsync("create", "--acl", "world:anyone:rx", path), 1, "InvalidAcl");
        FailsWith(await _coord.RunAsync("create", "--acl", "auth::cdrwa", path), 1, $"InvalidAcl: {path}");
        Assert.Equal(1, (await _coord.RunAsync("exists", "-q", path)).ExitCode);
    }
}
