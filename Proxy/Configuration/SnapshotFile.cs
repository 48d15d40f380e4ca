using System.Text.Json;

namespace OrleansCoord.Proxy.Configuration;

/// <summary>
/// The last configuration read from the grid, kept on local disk so that a proxy restarted while the grid is away
/// still serves. Written to a temporary file and renamed over the old one, so a crash never leaves half a file.
/// </summary>
internal sealed class SnapshotFile(string path)
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public string Path => path;

    public async Task SaveAsync(GridSnapshot snapshot, CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        await using (var stream = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, snapshot, Options, cancellationToken);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The saved snapshot; null when there is none.</summary>
    /// <exception cref="InvalidDataException">The file is not JSON, or not a valid snapshot (every problem named).</exception>
    public async Task<GridSnapshot?> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) return null;
        GridSnapshot? snapshot;
        await using (var stream = File.OpenRead(path))
        {
            try
            {
                snapshot = await JsonSerializer.DeserializeAsync<GridSnapshot>(stream, Options, cancellationToken);
            }
            catch (JsonException exception)
            {
                throw new InvalidDataException($"not valid JSON: {exception.Message}", exception);
            }
        }

        if (snapshot is null) throw new InvalidDataException("not valid JSON: null");
        if (snapshot.Validate() is { Count: > 0 } errors) throw new InvalidDataException(string.Join("; ", errors.Take(5)));
        return snapshot;
    }
}
