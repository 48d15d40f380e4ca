using System.Security.Cryptography;

namespace OrleansCoord.Silo.ZooKeeper.Sessions;

/// <summary>Holds the secret in the default grain storage; the first activation of a new cluster makes it. The
/// write is ETag-checked, so two activations racing at first start cannot both hand out a secret.</summary>
[GrainType("zk-secret")]
internal sealed class ZkSecretGrain([PersistentState("secret")] IPersistentState<ZkSecretState> state) : Grain, IZkSecretGrain
{
    public async Task<byte[]> GetSecret()
    {
        if (state.State.Secret is not { Length: 32 })
        {
            state.State = new ZkSecretState { Secret = RandomNumberGenerator.GetBytes(32) };
            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                // Another activation stored one first (or storage failed): retire; the caller asks again.
                DeactivateOnIdle();
                throw;
            }
        }

        return state.State.Secret;
    }
}

[GenerateSerializer]
internal sealed class ZkSecretState
{
    [Id(0)] public byte[]? Secret { get; set; }
}
