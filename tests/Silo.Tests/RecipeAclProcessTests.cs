using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Recipes.Acls;
using static OrleansCoord.Silo.Tests.GridConnect;

namespace OrleansCoord.Silo.Tests;

/// <summary>Recipe ACLs through a real silo process and the SDK, on Azurite: set before first use, enforced for other
/// sessions, and still there after the recipe emptied and the silo restarted (docs/adr/018-recipe-acls.md).</summary>
public sealed class RecipeAclProcessTests(AzuriteFixture azurite)
{
    private static readonly AclEntry[] AliceAll = [Acl.DigestEntry("alice", "secret", AclPerms.All)];

    private static async Task<CoordErrorCode> CodeOf(Func<Task> call) => (await Assert.ThrowsAsync<CoordException>(call)).Code;

    [Fact]
    public async Task ProtectedLockAndCounter_RefuseOthers_SurviveEmptyingAndRestart()
    {
        var clusterId = $"{azurite.RunId}-recipeacl";
        var name = $"acl-{Guid.NewGuid():N}";

        await using (var silo = await SiloProcess.StartHealthyAsync(clusterId))
        {
            await using var alice = await ToAsync(silo, clusterId);
            await alice.AddAuthAsync("digest", "alice:secret");
            await using var other = await ToAsync(silo, clusterId);
            await alice.SetRecipeAclAsync(RecipeKind.Lock, name, AliceAll, Ct);
            await alice.SetRecipeAclAsync(RecipeKind.Counter, name, AliceAll, Ct);

            Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => other.Locks.AcquireAsync(name, TimeSpan.FromSeconds(1), cancellationToken: Ct)));
            Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => other.Counters.AddAsync(name, 1, Ct)));
            await using (await alice.Locks.AcquireAsync(name, TimeSpan.FromSeconds(10), cancellationToken: Ct))
            {
                Assert.Equal(alice.SessionId, (await alice.Locks.GetHolderAsync(name, Ct))!.SessionId);
            }

            Assert.Equal(5, await alice.Counters.AddAsync(name, 5, Ct));
            Assert.Equal(0, await silo.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
        }

        await using (var silo = await SiloProcess.StartHealthyAsync(clusterId))
        {
            await using var alice = await ToAsync(silo, clusterId);
            await alice.AddAuthAsync("digest", "alice:secret");
            await using var other = await ToAsync(silo, clusterId);

            Assert.Equal(AliceAll, await alice.GetRecipeAclAsync(RecipeKind.Lock, name, Ct));
            Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => other.Locks.AcquireAsync(name, TimeSpan.FromSeconds(1), cancellationToken: Ct)));
            Assert.Equal(CoordErrorCode.NoAuth, await CodeOf(() => other.Counters.GetAsync(name, Ct)));
            Assert.Equal(5, await alice.Counters.GetAsync(name, Ct));
            await using (await alice.Locks.AcquireAsync(name, TimeSpan.FromSeconds(10), cancellationToken: Ct))
            {
            }
        }
    }
}
