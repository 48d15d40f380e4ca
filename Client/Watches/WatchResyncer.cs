using OrleansCoord.ZNodes;

namespace OrleansCoord.Client;

/// <summary>
/// Runs the watch resyncs, one at a time, when asked (a reconnection, a gateway gone) and, as a safety net, every
/// check period while there are watchers. A check that finds a missed change escalates to a resync that renews
/// the subscriptions. A resync that fails (the grid is briefly away) is tried again a second later.
/// </summary>
internal sealed class WatchResyncer : IAsyncDisposable
{
    private const int Check = 1;
    private const int Renew = 2;

    private readonly WatchHub _hub;
    private readonly Func<string, Task<Stat?>> _read;
    private readonly TimeSpan _checkPeriod;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requested;

    public WatchResyncer(WatchHub hub, Func<string, Task<Stat?>> read, TimeSpan checkPeriod)
    {
        (_hub, _read, _checkPeriod) = (hub, read, checkPeriod);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Asks for a resync after <paramref name="delay"/>; <paramref name="renew"/> also renews the subscriptions.</summary>
    public void Request(bool renew, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Raise(renew ? Renew : Check);
            return;
        }

        _ = Task.Delay(delay, _stop.Token).ContinueWith(_ => Raise(renew ? Renew : Check), TaskContinuationOptions.OnlyOnRanToCompletion);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await _loop; } catch (OperationCanceledException) { }
    }

    private void Raise(int level)
    {
        int seen;
        do
        {
            seen = Volatile.Read(ref _requested);
            if (seen >= level) break;
        }
        while (Interlocked.CompareExchange(ref _requested, level, seen) != seen);

        _signal.Release();
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var signalled = _checkPeriod > TimeSpan.Zero
                ? await _signal.WaitAsync(_checkPeriod, _stop.Token)
                : await _signal.WaitAsync(Timeout.Infinite, _stop.Token);
            var level = Interlocked.Exchange(ref _requested, 0);
            if (!signalled && _hub.HasWatchers) level = Check;
            if (level == 0) continue;

            try
            {
                var missed = await _hub.ResyncAsync(level == Renew, _read, _stop.Token);
                if (missed && level == Check) Raise(Renew);
            }
            catch (Exception) when (!_stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token);
                Raise(level);
            }
        }
    }
}
