using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>
/// The async method builder of the fast path's per-request methods (<c>[AsyncMethodBuilder(typeof(
/// SharedPoolValueTaskMethodBuilder&lt;&gt;))]</c> on a <see cref="ValueTask{TResult}"/> method, the non-generic
/// <see cref="SharedPoolValueTaskMethodBuilder"/> on a <see cref="ValueTask"/> one). Like the runtime's
/// <see cref="PoolingAsyncValueTaskMethodBuilder{TResult}"/>, a method that suspends keeps its state in a reusable box
/// instead of a new one; unlike it, the boxes of one method come from a pool that all threads share, of up to
/// <see cref="PoolSize"/> boxes, behind a small one per thread.
/// </summary>
/// <remarks>
/// Why not the runtime's builder: it caches one box per thread and one per core. Each request of every connection
/// suspends in five nested methods while it waits for its upstream, and an epoll thread starts the requests of many
/// connections (one event batch) before any of them finishes, so with 64 connections nearly every suspension
/// allocated a new box and every completion dropped one (measured: ~500 bytes per request, a gen0 collection every
/// second or so at 25k requests/s, which shows in the p99). A method that completes without suspending uses no box.
/// </remarks>
internal struct SharedPoolValueTaskMethodBuilder<TResult>
{
    /// <summary>Boxes kept per async method: more than the requests one proxy process has in flight on its fast path
    /// in the benchmarks (64 connections); beyond it, boxes are allocated and dropped as without pooling.</summary>
    public const int PoolSize = 1024;

    /// <summary>Boxes made so far for methods returning <typeparamref name="TResult"/> (tests see the pool work).</summary>
    internal static int BoxesMade;

    private Box? _box;
    private TResult _result;
    private Exception? _exception;

    public static SharedPoolValueTaskMethodBuilder<TResult> Create() => default;

    public ValueTask<TResult> Task =>
        _box is { } box ? new ValueTask<TResult>(box, box.Version)
        : _exception is { } exception ? ValueTask.FromException<TResult>(exception)
        : new ValueTask<TResult>(_result);

    /// <summary>The same operation as a <see cref="ValueTask"/> (<see cref="SharedPoolValueTaskMethodBuilder"/>).</summary>
    internal readonly ValueTask UntypedTask =>
        _box is { } box ? new ValueTask(box, box.Version)
        : _exception is { } exception ? ValueTask.FromException(exception)
        : default;

    /// <summary>Runs the method up to its first suspension; the runtime's Start restores the caller's execution and
    /// synchronization contexts afterwards.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine =>
        AsyncValueTaskMethodBuilder<TResult>.Create().Start(ref stateMachine);

    public void SetStateMachine(IAsyncStateMachine stateMachine)
    {
        // Only used by struct state machines boxed by the runtime, which this builder never asks for.
    }

    public void SetResult(TResult result)
    {
        if (_box is null) _result = result;
        else _box.SetResult(result);
    }

    public void SetException(Exception exception)
    {
        if (_box is null) _exception = exception;
        else _box.SetException(exception);
    }

    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine =>
        awaiter.OnCompleted(BoxOf(ref stateMachine).MoveNextAction);

    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion where TStateMachine : IAsyncStateMachine =>
        awaiter.UnsafeOnCompleted(BoxOf(ref stateMachine).MoveNextAction);

    internal Box<TStateMachine> BoxOf<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine
    {
        var context = ExecutionContext.Capture();
        if (_box is Box<TStateMachine> box)
        {
            box.Context = context;
            return box; // a later suspension: stateMachine already is the box's own copy
        }

        box = Box<TStateMachine>.Rent();
        _box = box; // before the copy below, so that the boxed state machine's builder completes this box
        box.StateMachine = stateMachine;
        box.Context = context;
        return box;
    }

    /// <summary>The state of one suspended call and the value task its caller awaits.</summary>
    internal abstract class Box : IValueTaskSource<TResult>, IValueTaskSource
    {
        protected ManualResetValueTaskSourceCore<TResult> _completion;

        public ExecutionContext? Context;

        public short Version => _completion.Version;

        public void SetResult(TResult result) => _completion.SetResult(result);

        public void SetException(Exception exception) => _completion.SetException(exception);

        public ValueTaskSourceStatus GetStatus(short token) => _completion.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _completion.OnCompleted(continuation, state, token, flags);

        public abstract TResult GetResult(short token);

        void IValueTaskSource.GetResult(short token) => GetResult(token);
    }

    internal sealed class Box<TStateMachine> : Box where TStateMachine : IAsyncStateMachine
    {
        private static readonly ContextCallback MoveNextInContext = static box => ((Box<TStateMachine>)box!).StateMachine!.MoveNext();
        private static readonly Lock PoolLock = new();
        private static readonly Box<TStateMachine>?[] Pool = new Box<TStateMachine>?[PoolSize];
        private static int _pooled;

        // In front of the shared pool, a few boxes per thread: an event loop rents and returns a request's boxes on its
        // own thread, and two loops taking one lock for every suspension made them spin on each other.
        private const int ThreadPoolSize = 64;
        [ThreadStatic] private static Box<TStateMachine>?[]? _threadPool;
        [ThreadStatic] private static int _threadPooled;

        public TStateMachine? StateMachine;

        private Box()
        {
            MoveNextAction = MoveNext;
            Interlocked.Increment(ref BoxesMade);
        }

        public Action MoveNextAction { get; }

        public static Box<TStateMachine> Rent()
        {
            if (_threadPooled > 0)
            {
                var box = _threadPool![--_threadPooled]!;
                _threadPool[_threadPooled] = null;
                return box;
            }

            lock (PoolLock)
            {
                if (_pooled > 0)
                {
                    var box = Pool[--_pooled]!;
                    Pool[_pooled] = null;
                    return box;
                }
            }

            return new Box<TStateMachine>();
        }

        /// <summary>The caller's await takes the result (once, as with any ValueTask); the box then goes back to the pool.</summary>
        public override TResult GetResult(short token)
        {
            try
            {
                return _completion.GetResult(token);
            }
            finally
            {
                StateMachine = default;
                Context = null;
                _completion.Reset();
                Return(this);
            }
        }

        private static void Return(Box<TStateMachine> box)
        {
            var local = _threadPool ??= new Box<TStateMachine>?[ThreadPoolSize];
            if (_threadPooled < ThreadPoolSize)
            {
                local[_threadPooled++] = box;
                return;
            }

            lock (PoolLock)
            {
                if (_pooled < PoolSize) Pool[_pooled++] = box;
            }
        }

        private void MoveNext()
        {
            if (Context is { } context) ExecutionContext.Run(context, MoveNextInContext, this);
            else StateMachine!.MoveNext();
        }
    }
}

/// <summary><see cref="SharedPoolValueTaskMethodBuilder{TResult}"/> for methods that return a <see cref="ValueTask"/>.</summary>
internal struct SharedPoolValueTaskMethodBuilder
{
    private SharedPoolValueTaskMethodBuilder<NoResult> _builder;

    public static SharedPoolValueTaskMethodBuilder Create() => default;

    public readonly ValueTask Task => _builder.UntypedTask;

    public void Start<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine => _builder.Start(ref stateMachine);

    public void SetStateMachine(IAsyncStateMachine stateMachine) => _builder.SetStateMachine(stateMachine);

    public void SetResult() => _builder.SetResult(default);

    public void SetException(Exception exception) => _builder.SetException(exception);

    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine =>
        awaiter.OnCompleted(_builder.BoxOf(ref stateMachine).MoveNextAction);

    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion where TStateMachine : IAsyncStateMachine =>
        awaiter.UnsafeOnCompleted(_builder.BoxOf(ref stateMachine).MoveNextAction);

    internal readonly struct NoResult;
}
