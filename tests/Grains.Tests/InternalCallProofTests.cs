using OrleansCoord.Grains.Identities;
using OrleansCoord.Grains.InternalCalls;
using OrleansCoord.Grains.Recipes;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.ZNodes;

namespace OrleansCoord.Grains.Tests;

/// <summary>
/// The proof a silo attaches to a call to a grid-internal interface (docs/adr/013-identities.md): it verifies only for
/// the call it was made for, within its time window, and only with the grid's key. The refusal itself, through a real
/// gateway, is checked by Silo.Tests' InternalInterfaceTests (TestCluster clients here are in-process).
/// </summary>
public sealed class InternalCallProofTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);
    private static readonly GrainId Target = GrainId.Create("znode", "/a");

    private static async Task<CallerCredentials> KeysAsync(string grid)
    {
        var keys = new CallerCredentials(MemoryTreeStore.GetShared($"proof-{grid}-{Guid.NewGuid():N}"));
        await keys.ReadyAsync();
        return keys;
    }

    [Fact]
    public async Task Proof_VerifiesOnlyForItsCall_WithinTheWindow_WithTheGridsKey()
    {
        var keys = await KeysAsync("a");
        var proof = InternalCallProof.Make(keys, Now, "coord.znode.participant", "DeleteEphemeral", Target);

        Assert.True(InternalCallProof.Verifies(keys, Now.AddMinutes(4), proof, "coord.znode.participant", "DeleteEphemeral", Target));
        Assert.False(InternalCallProof.Verifies(keys, Now, proof, "coord.znode.participant", "TxPrepare", Target));
        Assert.False(InternalCallProof.Verifies(keys, Now, proof, "coord.session.maintenance", "DeleteEphemeral", Target));
        Assert.False(InternalCallProof.Verifies(keys, Now, proof, "coord.znode.participant", "DeleteEphemeral", GrainId.Create("znode", "/b")));
        Assert.False(InternalCallProof.Verifies(keys, Now + InternalCallProof.Window + TimeSpan.FromSeconds(1), proof,
            "coord.znode.participant", "DeleteEphemeral", Target));
        Assert.False(InternalCallProof.Verifies(await KeysAsync("b"), Now, proof, "coord.znode.participant", "DeleteEphemeral", Target));

        var tampered = (byte[])proof.Clone();
        tampered[^1] ^= 1;
        Assert.False(InternalCallProof.Verifies(keys, Now, tampered, "coord.znode.participant", "DeleteEphemeral", Target));
        Assert.False(InternalCallProof.Verifies(keys, Now, null, "coord.znode.participant", "DeleteEphemeral", Target));
        Assert.False(InternalCallProof.Verifies(keys, Now, "not bytes", "coord.znode.participant", "DeleteEphemeral", Target));
    }

    [Fact]
    public void InternalInterfaces_AreMarked_PublicOnesAreNot()
    {
        Assert.True(GridInternalAttribute.IsInternal(typeof(IZNodeParticipantGrain).GetMethod(nameof(IZNodeParticipantGrain.DeleteEphemeral))));
        Assert.True(GridInternalAttribute.IsInternal(typeof(ILeaseMaintenanceGrain).GetMethod(nameof(ILeaseMaintenanceGrain.ReleaseSession))));
        Assert.True(GridInternalAttribute.IsInternal(typeof(Sessions.ISessionMaintenanceGrain).GetMethod("Touch")));
        Assert.False(GridInternalAttribute.IsInternal(typeof(OrleansCoord.ZNodes.IZNodeGrain).GetMethod("GetChildren")));
        Assert.False(GridInternalAttribute.IsInternal(typeof(OrleansCoord.Sessions.ISessionGrain).GetMethod("Close")));
    }
}
