using System.Runtime.CompilerServices;
using OrleansCoord.Proxy.FastPath;

namespace OrleansCoord.Proxy.Tests.FastPath;

/// <summary>
/// The builder of the fast path's per-request async methods: results, exceptions and the execution context come
/// through as with the runtime's builders, and many calls suspended at once reuse their boxes once they finish.
/// </summary>
public sealed class SharedPoolValueTaskMethodBuilderTests
{
    private static readonly AsyncLocal<string?> Flowing = new();

    [Fact]
    public async Task CompletedWithoutSuspending_ResultAndException()
    {
        Assert.Equal(3, await AddAsync(null, 1, 2));
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () => await FailAsync(null));
        Assert.Equal("no", failure.Message);
        await NothingAsync(null);
    }

    [Fact]
    public async Task Suspended_ResultExceptionAndContextFlow()
    {
        var signal = new Signal();
        Flowing.Value = "caller";
        var sum = AddAsync(signal, 1, 2);
        var failed = FailAsync(signal);
        var nothing = NothingAsync(signal);
        Assert.False(sum.IsCompleted);
        Flowing.Value = null;
        signal.Complete(); // the continuations run here, inline, with the context each call captured

        Assert.True(sum.IsCompletedSuccessfully);
        Assert.Equal(3, await sum);
        Assert.Equal("caller", LastSeen); // the AsyncLocal of the caller, not of the thread that completed the await
        Assert.Equal("no", (await Assert.ThrowsAsync<InvalidOperationException>(async () => await failed)).Message);
        await nothing;
    }

    [Fact]
    public async Task ManySuspendedAtOnce_BoxesReused()
    {
        const int calls = 256; // more than the runtime's builder keeps (one box per thread and per core)
        var madeAfterFirstRound = 0;
        for (var round = 0; round < 5; round++)
        {
            var signal = new Signal();
            var pending = new ValueTask<Count>[calls];
            for (var i = 0; i < calls; i++) pending[i] = CountAsync(signal, i);
            signal.Complete(); // every call finishes, and its box goes back to the pool once its result is taken
            for (var i = 0; i < calls; i++) Assert.Equal(i + 1, (await pending[i]).Value);
            if (round == 0) madeAfterFirstRound = SharedPoolValueTaskMethodBuilder<Count>.BoxesMade;
        }

        Assert.Equal(calls, madeAfterFirstRound);
        Assert.Equal(calls, SharedPoolValueTaskMethodBuilder<Count>.BoxesMade);
    }

    private static string? LastSeen { get; set; }

    [AsyncMethodBuilder(typeof(SharedPoolValueTaskMethodBuilder<>))]
    private static async ValueTask<int> AddAsync(Signal? signal, int a, int b)
    {
        if (signal is not null) await signal;
        LastSeen = Flowing.Value;
        return a + b;
    }

    /// <summary>Its own result type: no other method shares its boxes' counter.</summary>
    [AsyncMethodBuilder(typeof(SharedPoolValueTaskMethodBuilder<>))]
    private static async ValueTask<Count> CountAsync(Signal signal, int value)
    {
        await signal;
        return new Count(value + 1);
    }

    [AsyncMethodBuilder(typeof(SharedPoolValueTaskMethodBuilder<>))]
    private static async ValueTask<int> FailAsync(Signal? signal)
    {
        if (signal is not null) await signal;
        throw new InvalidOperationException("no");
    }

    [AsyncMethodBuilder(typeof(SharedPoolValueTaskMethodBuilder))]
    private static async ValueTask NothingAsync(Signal? signal)
    {
        if (signal is not null) await signal;
    }

    private readonly record struct Count(int Value);

    /// <summary>An awaitable that many callers await and that runs their continuations inline when completed.</summary>
    private sealed class Signal
    {
        private readonly List<Action> _waiting = [];

        public Awaiter GetAwaiter() => new(this);

        public void Complete()
        {
            foreach (var continuation in _waiting) continuation();
        }

        public readonly struct Awaiter(Signal signal) : ICriticalNotifyCompletion
        {
            public bool IsCompleted => false;

            public void GetResult()
            {
            }

            public void OnCompleted(Action continuation) => signal._waiting.Add(continuation);

            public void UnsafeOnCompleted(Action continuation) => signal._waiting.Add(continuation);
        }
    }
}
