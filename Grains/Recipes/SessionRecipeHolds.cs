using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Grains.Recipes;

/// <summary>
/// What an ending session does for the recipes: after its fence is gone (so nothing new can be granted to it),
/// it asks every recipe it holds something in, as listed by its hold rows, to release it.
/// </summary>
internal static class SessionRecipeHolds
{
    public static async Task ReleaseAsync(ITreeStore store, IGrainFactory grains, long sessionId)
    {
        var prefix = RecipeKeys.HoldPrefix(sessionId);
        var recipes = (await store.ListKeysAsync(prefix)).Select(key => key[prefix.Length..]).ToList();
        foreach (var chunk in recipes.Chunk(32))
        {
            await Task.WhenAll(chunk.Select(recipe => grains.GetGrain<ILeaseMaintenanceGrain>(recipe).ReleaseSession(sessionId)));
        }

        if (recipes.Count > 0 && (await store.ListKeysAsync(prefix)).Count > 0)
        {
            throw new InvalidOperationException($"session 0x{sessionId:x16} still holds recipes; retrying");
        }
    }
}
