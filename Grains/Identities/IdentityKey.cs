using System.Security.Cryptography;
using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Grains.Identities;

/// <summary>
/// The grid's identity key: 32 random bytes in one record of the tree store, made by the first silo of a new grid
/// that needs it. The insert is conditional, so silos racing at a first start all end up with the one that was stored.
/// </summary>
/// <remarks>Whoever can read the tree store can issue credentials, as whoever can write it can change any znode:
/// the store's credentials are the grid's root of trust (docs/adr/013-identities.md).</remarks>
internal static class IdentityKey
{
    public const string RecordKey = "g:identity-key";
    private const int Length = 32;
    private const int MaxAttempts = 5;

    public static async Task<byte[]> LoadOrCreateAsync(ITreeStore store)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (await store.ReadAsync(RecordKey) is { } stored)
            {
                if (stored.Value is { Length: Length } key) return key;
                throw new TreeStoreException($"the identity key record holds {stored.Value.Length} bytes, not {Length}");
            }

            var fresh = RandomNumberGenerator.GetBytes(Length);
            var result = await store.CommitAsync([RecordWrite.Insert(RecordKey, fresh)]);
            if (result.Committed) return fresh;
            if (attempt >= MaxAttempts) throw new TreeStoreException("the identity key could not be stored or read");
            // Another silo stored one first: read it.
        }
    }
}
