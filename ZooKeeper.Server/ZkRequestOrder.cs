namespace OrleansCoord.ZooKeeper.Server;

/// <summary>How a request touches one ordering key.</summary>
internal enum OrderMode
{
    /// <summary>Reads of the key: run alongside each other.</summary>
    Read,

    /// <summary>Changes that commute with each other (creates and deletes of different children of one parent).</summary>
    Append,

    /// <summary>Runs alone: after everything before it on the key, before everything after it.</summary>
    Exclusive,
}

/// <summary>
/// Keeps the requests of one session in order where order can be observed, and lets the rest run in parallel, so
/// that 200 outstanding requests on different znodes are 200 concurrent grain calls. Each request names the keys
/// it touches (a znode, the children of a znode, or the whole session for a multi or a close) with a mode; a
/// request waits for the requests before it whose mode on a shared key does not commute with its own.
/// Requests are registered by the connection's reader, one at a time, in arrival order.
/// </summary>
internal sealed class ZkRequestOrder
{
    /// <summary>The key every request takes (Read), and that a multi, setWatches or closeSession takes exclusively.</summary>
    public const string Session = "*";

    private readonly Dictionary<string, Group> _keys = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>Registers a request; returns what it must wait for before it runs and the token to call <see cref="Done"/> with.</summary>
    public (Task Predecessors, object Token) Enter(ReadOnlySpan<(string Key, OrderMode Mode)> keys)
    {
        var joined = new List<Group>(keys.Length);
        var waits = new List<Task>(keys.Length);
        lock (_gate)
        {
            foreach (var (key, mode) in keys)
            {
                _keys.TryGetValue(key, out var current);
                Group group;
                if (current is not null && mode != OrderMode.Exclusive && current.Mode == mode && !current.Closed)
                {
                    group = current;
                }
                else
                {
                    current?.Close();
                    group = new Group(key, mode, current?.AllDone ?? Task.CompletedTask);
                    _keys[key] = group;
                }

                group.Outstanding++;
                if (mode == OrderMode.Exclusive) group.Close();
                if (!group.Predecessor.IsCompleted) waits.Add(group.Predecessor);
                joined.Add(group);
            }
        }

        return (waits.Count switch { 0 => Task.CompletedTask, 1 => waits[0], _ => Task.WhenAll(waits) }, joined);
    }

    /// <summary>The request finished (whatever its outcome): what waits for it may go.</summary>
    public void Done(object token)
    {
        lock (_gate)
        {
            foreach (var group in (List<Group>)token)
            {
                if (--group.Outstanding == 0 && group.Closed) group.Finish();
                if (group.Outstanding == 0 && _keys.TryGetValue(group.Key, out var current) && current == group)
                {
                    // Nothing runs or waits on this key: forget it, so the table holds only busy keys.
                    _keys.Remove(group.Key);
                    group.Finish();
                }
            }
        }
    }

    private sealed class Group(string key, OrderMode mode, Task predecessor)
    {
        private readonly TaskCompletionSource _allDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Key { get; } = key;

        public OrderMode Mode { get; } = mode;

        public Task Predecessor { get; } = predecessor;

        public int Outstanding { get; set; }

        /// <summary>No more members may join (a request of another mode came after them).</summary>
        public bool Closed { get; private set; }

        /// <summary>Completes when the group is closed and every member has finished.</summary>
        public Task AllDone => _allDone.Task;

        public void Close()
        {
            Closed = true;
            if (Outstanding == 0) Finish();
        }

        public void Finish() => _allDone.TrySetResult();
    }
}
