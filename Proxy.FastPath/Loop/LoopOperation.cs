using System.Threading.Tasks.Sources;

namespace OrleansCoord.Proxy.FastPath.Loop;

/// <summary>
/// One pending receive or send of a <see cref="LoopSocket"/>, awaited without allocation: reused for every
/// operation of its socket, completed on the loop's thread, where the awaiting code then runs on at once.
/// </summary>
internal sealed class LoopOperation : IValueTaskSource<int>, IValueTaskSource
{
    private ManualResetValueTaskSourceCore<int> _core; // RunContinuationsAsynchronously false: inline, on the loop

    public ValueTask<int> Wait()
    {
        _core.Reset();
        return new ValueTask<int>(this, _core.Version);
    }

    public ValueTask WaitVoid()
    {
        _core.Reset();
        return new ValueTask(this, _core.Version);
    }

    public void Complete(int result) => _core.SetResult(result);

    public void Fail(Exception exception) => _core.SetException(exception);

    public int GetResult(short token) => _core.GetResult(token);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
