using OrleansCoord.Grains.Tests.Fixtures;

namespace OrleansCoord.Grains.Tests.Recipes;

/// <summary>Recipe ACLs on the in-memory store (<see cref="RecipeAclRunner"/>).</summary>
public sealed class RecipeAclTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public Task EveryKind_ProtectedBeforeFirstUse_RefusesOthers_AdmitsIdentity_StaysAfterEmptying() =>
        RecipeAclRunner.EveryKind_ProtectedBeforeFirstUse_RefusesOthers_AdmitsIdentity_StaysAfterEmptying(fixture);

    [Fact]
    public Task ForgedIdentities_Refused_NothingChanged() => RecipeAclRunner.ForgedIdentities_Refused_NothingChanged(fixture);

    [Fact]
    public Task OwnRelease_AlwaysPasses_SessionEndReleases_RefusedWaiterLeaves() =>
        RecipeAclRunner.OwnRelease_AlwaysPasses_SessionEndReleases_RefusedWaiterLeaves(fixture);

    [Fact]
    public Task AclReadAndChange_Rules() => RecipeAclRunner.AclReadAndChange_Rules(fixture);
}

/// <summary>Recipe ACLs on PostgreSQL: the ACL is part of each recipe's conditional record writes there.</summary>
public sealed class RecipeAclTestsOnPostgres(PostgresClusterFixture fixture) : IClassFixture<PostgresClusterFixture>
{
    [Fact]
    public Task EveryKind_ProtectedBeforeFirstUse_RefusesOthers_AdmitsIdentity_StaysAfterEmptying() =>
        RecipeAclRunner.EveryKind_ProtectedBeforeFirstUse_RefusesOthers_AdmitsIdentity_StaysAfterEmptying(fixture);

    [Fact]
    public Task OwnRelease_AlwaysPasses_SessionEndReleases_RefusedWaiterLeaves() =>
        RecipeAclRunner.OwnRelease_AlwaysPasses_SessionEndReleases_RefusedWaiterLeaves(fixture);
}

/// <summary>Recipe ACLs on Azure Table storage (Azurite).</summary>
public sealed class RecipeAclTestsOnAzurite(AzuriteClusterFixture fixture) : IClassFixture<AzuriteClusterFixture>
{
    [Fact]
    public Task EveryKind_ProtectedBeforeFirstUse_RefusesOthers_AdmitsIdentity_StaysAfterEmptying() =>
        RecipeAclRunner.EveryKind_ProtectedBeforeFirstUse_RefusesOthers_AdmitsIdentity_StaysAfterEmptying(fixture);
}
