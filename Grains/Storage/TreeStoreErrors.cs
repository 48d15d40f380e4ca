using OrleansCoord.Errors;

namespace OrleansCoord.Grains.Storage;

/// <summary>Turns storage failures into the typed error clients get (a store exception does not cross the wire).</summary>
internal static class TreeStoreErrors
{
    public static CoordException Unavailable(string? path, TreeStoreException exception) =>
        new(CoordErrorCode.SystemError, path, "storage unavailable: " + exception.Message);

    /// <summary>Runs a store call; a storage failure becomes <see cref="Unavailable"/>.</summary>
    public static async Task<T> Translate<T>(string? path, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (TreeStoreException exception)
        {
            throw Unavailable(path, exception);
        }
    }
}
