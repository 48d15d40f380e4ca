using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Robustness.Tests.Regressions;

/// <summary>
/// Holds the first commit that writes a znode's record until released (without blocking the grain), and fails that
/// commit and the next <c>failures - 1</c> ones that write it (0: none fails).
/// </summary>
internal sealed class CommitGate : IDisposable
{
    private readonly GatedTreeStore _store;
    private readonly TaskCompletionSource _go = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _seen;

    public CommitGate(GatedTreeStore store, string path, int failures)
    {
        _store = store;
        var key = TreeKeys.Node(path);
        store.BeforeCommit = async writes =>
        {
            if (!writes.Any(w => w.Key == key)) return;
            var number = Interlocked.Increment(ref _seen);
            if (number == 1)
            {
                _reached.TrySetResult();
                await _go.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }

            if (number <= failures) throw new TreeStoreException($"injected storage failure {number}");
        };
    }

    public Task Reached => _reached.Task;

    public void Release() => _go.TrySetResult();

    public void Dispose()
    {
        _store.BeforeCommit = null;
        _go.TrySetResult();
    }
}
