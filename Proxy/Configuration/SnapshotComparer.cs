using System.Text.Json;

namespace OrleansCoord.Proxy.Configuration;

/// <summary>Equality of two snapshots by content, so that a re-read that found nothing new swaps nothing.</summary>
internal static class SnapshotComparer
{
    public static bool Same(GridSnapshot a, GridSnapshot b) =>
        ReferenceEquals(a, b) || JsonSerializer.SerializeToUtf8Bytes(a).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(b));
}
