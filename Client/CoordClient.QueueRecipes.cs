using OrleansCoord.Acls;
using OrleansCoord.Client.Recipes;
using OrleansCoord.Client.Services;
using OrleansCoord.SessionLayer;

namespace OrleansCoord.Client;

public sealed partial class CoordClient
{
    private CounterRecipes? _counters;
    private ServiceRegistry? _services;
    private QueueRecipes? _queues;
    private BarrierRecipes? _barriers;
    private DoubleBarrierRecipes? _doubleBarriers;

    /// <summary>Distributed counters (get, add, compare-and-set).</summary>
    public CounterRecipes Counters => _counters ??= new CounterRecipes(this);

    /// <summary>Service registration under <c>/services/&lt;service&gt;/&lt;instance&gt;</c>, bound to this session.</summary>
    public ServiceRegistry Services => _services ??= new ServiceRegistry(this);

    /// <summary>Durable queues with at-least-once delivery (put, take with ack and visibility timeout, length, peek).</summary>
    public QueueRecipes Queues => _queues ??= new QueueRecipes(this);

    /// <summary>Barriers: all participants are released together when the count has entered.</summary>
    public BarrierRecipes Barriers => _barriers ??= new BarrierRecipes(this);

    /// <summary>Double barriers: enter together, leave together.</summary>
    public DoubleBarrierRecipes DoubleBarriers => _doubleBarriers ??= new DoubleBarrierRecipes(this);

    internal IGrainFactory RecipeGrainFactory => _grains;

    /// <summary>The longest a recipe's grain-side wait may be: at most <paramref name="grainMaxMs"/>, and half the request
    /// timeout, so that a waiting call always answers well before the client would give up on it.</summary>
    internal int RecipePollWaitMs(int grainMaxMs) => (int)Math.Min(grainMaxMs, _runner.RequestTimeout.TotalMilliseconds / 2);

    /// <remarks>Each attempt carries the session's credential: a barrier entry names this session.</remarks>
    internal Task<T> RunRecipeCall<T>(string subject, bool idempotent, Func<Task<T>> request, CancellationToken cancellationToken) =>
        _runner.RunAsync(subject, idempotent, () => { Caller.Use(Credential); return request(); }, cancellationToken);

    /// <summary>A watcher of one path's events (the shared subscription of <see cref="WatchAsync"/>), for SDK recipes.</summary>
    internal Task<IAsyncDisposable> AddRecipeWatchAsync(string path, Action<Watches.WatchEvent> watcher) =>
        AddPersistentWatcherAsync(new Watcher(path, WatchKind.Persistent, watcher));
}
