using System.Runtime.CompilerServices;
using System.Threading.Channels;
using OrleansCoord.Errors;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Client.Services;

/// <summary>
/// Service registration on plain znodes: an instance is an ephemeral znode <c>/services/&lt;service&gt;/&lt;id&gt;</c>
/// in this client's session whose data is a <see cref="ServiceInstance"/> as JSON. It goes when the session is
/// closed or expires, so a crashed instance leaves the registry by itself. Reach it through <see cref="CoordClient.Services"/>.
/// </summary>
public sealed class ServiceRegistry
{
    /// <summary>The znode under which services are registered.</summary>
    public const string Root = "/services";

    private readonly CoordClient _client;

    internal ServiceRegistry(CoordClient client) => _client = client;

    /// <summary>The znode of a service (its instances are its children).</summary>
    public static string ServicePath(string service)
    {
        ValidateSegment("service", service);
        return $"{Root}/{service}";
    }

    /// <summary>The znode of one instance.</summary>
    public static string InstancePath(string service, string instanceId)
    {
        var path = ServicePath(service);
        ValidateSegment("instance id", instanceId);
        return $"{path}/{instanceId}";
    }

    /// <summary>
    /// Registers (or, when this session registered it before, updates) an instance; returns its znode path.
    /// Missing parents are created as persistent znodes. An id registered by another live session fails with NodeExists.
    /// </summary>
    public async Task<string> RegisterAsync(string service, string instanceId, ServiceInstance instance, CancellationToken cancellationToken = default)
    {
        var path = InstancePath(service, instanceId);
        instance.Validate(path);
        var data = instance.ToJson();
        await EnsurePersistentAsync(Root, cancellationToken);
        await EnsurePersistentAsync(ServicePath(service), cancellationToken);
        try
        {
            return await _client.CreateAsync(path, data, CreateMode.Ephemeral, cancellationToken: cancellationToken);
        }
        catch (CoordException exception) when (exception.Code == CoordErrorCode.NodeExists)
        {
            var existing = await _client.ExistsAsync(path, cancellationToken);
            if (existing?.EphemeralOwner != _client.SessionId) throw;
            await _client.SetDataAsync(path, data, existing.Version, cancellationToken);
            return path;
        }
    }

    /// <summary>Removes an instance at once. Removing one that is not registered does nothing.</summary>
    public async Task DeregisterAsync(string service, string instanceId, CancellationToken cancellationToken = default)
    {
        try
        {
            await _client.DeleteAsync(InstancePath(service, instanceId), cancellationToken: cancellationToken);
        }
        catch (CoordException exception) when (exception.Code == CoordErrorCode.NoNode)
        {
        }
    }

    /// <summary>The registered instances of a service, ordered by id; empty when none ever registered.
    /// A child whose data is not an instance's JSON is left out.</summary>
    public async Task<IReadOnlyList<ServiceInstanceEntry>> ListAsync(string service, CancellationToken cancellationToken = default)
    {
        var path = ServicePath(service);
        string[] children;
        try
        {
            children = (await _client.GetChildrenAsync(path, cancellationToken)).Children;
        }
        catch (CoordException exception) when (exception.Code == CoordErrorCode.NoNode)
        {
            return [];
        }

        var reads = children.Select(async id =>
        {
            try
            {
                var node = await _client.GetDataAsync($"{path}/{id}", cancellationToken);
                return ServiceInstance.FromJson(node.Data) is { } instance ? new ServiceInstanceEntry(id, instance) : null;
            }
            catch (CoordException exception) when (exception.Code == CoordErrorCode.NoNode)
            {
                return null; // Went between the listing and the read.
            }
        });
        return [.. (await Task.WhenAll(reads)).OfType<ServiceInstanceEntry>()];
    }

    /// <summary>
    /// The current instance set first, then again after every change to it (an instance added, removed or
    /// re-registered with other data), until <paramref name="cancellationToken"/> fires. Changes in quick
    /// succession may be coalesced into one set; the last set yielded is always the one after the last change.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<ServiceInstanceEntry>> WatchAsync(string service,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var path = ServicePath(service);
        var changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        void Signal(Watches.WatchEvent _) => changed.Writer.TryWrite(true);

        // Subscribed before the first listing, so no change between the two is missed.
        var registrations = new Dictionary<string, IAsyncDisposable>(StringComparer.Ordinal)
        {
            [path] = await _client.AddRecipeWatchAsync(path, Signal),
        };
        try
        {
            IReadOnlyList<ServiceInstanceEntry>? last = null;
            while (true)
            {
                var current = await ListAsync(service, cancellationToken);
                await FollowInstancesAsync(path, current, registrations, Signal);
                if (last is null || !last.SequenceEqual(current, EntryComparer.Instance))
                {
                    last = current;
                    yield return current;
                }

                await changed.Reader.ReadAsync(cancellationToken);
            }
        }
        finally
        {
            foreach (var registration in registrations.Values) await registration.DisposeAsync();
        }
    }

    /// <summary>Watches each listed instance's own znode too: a re-registration changes its data, not the children.</summary>
    private async Task FollowInstancesAsync(string path, IReadOnlyList<ServiceInstanceEntry> current,
        Dictionary<string, IAsyncDisposable> registrations, Action<Watches.WatchEvent> signal)
    {
        var wanted = current.Select(e => $"{path}/{e.Id}").Append(path).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in registrations.Keys.Where(k => !wanted.Contains(k)).ToList())
        {
            await registrations[gone].DisposeAsync();
            registrations.Remove(gone);
        }

        foreach (var added in wanted.Where(k => !registrations.ContainsKey(k)))
        {
            registrations[added] = await _client.AddRecipeWatchAsync(added, signal);
        }
    }

    private async Task EnsurePersistentAsync(string path, CancellationToken cancellationToken)
    {
        if (await _client.ExistsAsync(path, cancellationToken) is not null) return;
        try
        {
            await _client.CreateAsync(path, cancellationToken: cancellationToken);
        }
        catch (CoordException exception) when (exception.Code == CoordErrorCode.NodeExists)
        {
            // Another registrant created it first.
        }
    }

    private static void ValidateSegment(string what, string? segment)
    {
        if (string.IsNullOrEmpty(segment)) throw CoordException.BadArguments(Root, $"{what} must not be empty");
        if (segment.Contains('/')) throw CoordException.BadArguments(Root, $"{what} must not contain '/', got '{segment}'");
        ZNodePath.Validate($"{Root}/{segment}");
    }

    private sealed class EntryComparer : IEqualityComparer<ServiceInstanceEntry>
    {
        public static readonly EntryComparer Instance = new();

        public bool Equals(ServiceInstanceEntry? x, ServiceInstanceEntry? y) =>
            x is not null && y is not null && x.Id == y.Id && x.Instance.Address == y.Instance.Address
            && x.Instance.Weight == y.Instance.Weight
            && x.Instance.Metadata.Count == y.Instance.Metadata.Count
            && x.Instance.Metadata.All(kv => y.Instance.Metadata.TryGetValue(kv.Key, out var v) && v == kv.Value);

        public int GetHashCode(ServiceInstanceEntry obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}
