using System.Collections.Concurrent;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Silo.Tests;

/// <summary>
/// A client that creates persistent sequential znodes under one prefix in a loop, each with data of its own, and
/// records what the grid acknowledged (the name it handed out and the data); failed calls (whose outcome may be
/// unknown) are only counted. It opens a new session when its session ends while the silo is away.
/// </summary>
internal sealed class SequentialWriter(string gateway, string clusterId, string prefix) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<(string Path, string Data)> _acknowledged = new();
    private Task? _loop;
    private long _lastAcknowledgedTicks;
    private int _failed;
    private volatile string? _lastError;

    /// <summary>Every acknowledged create, in order: the name the grid handed out and the data it was created with.</summary>
    public IReadOnlyCollection<(string Path, string Data)> Acknowledged => _acknowledged;

    /// <summary>When the last create was acknowledged.</summary>
    public DateTime LastAcknowledgedAt => new(Interlocked.Read(ref _lastAcknowledgedTicks), DateTimeKind.Utc);

    /// <summary>Creates that failed (their outcome may be unknown) or sessions that could not be opened.</summary>
    public int Failed => Volatile.Read(ref _failed);

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Waits (bounded) until at least <paramref name="count"/> creates have been acknowledged.</summary>
    public Task WaitForAcknowledgedAsync(int count, TimeSpan timeout, Func<string> context) =>
        Poll.UntilAsync(() => Task.FromResult(_acknowledged.Count >= count), timeout,
            () => $"{_acknowledged.Count} of {count} creates acknowledged ({Failed} failed, the last with {_lastError}):\n{context()}");

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        CoordClient? client = null;
        var attempt = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    client ??= await CoordClient.ConnectAsync(new CoordClientOptions
                    {
                        Servers = [gateway],
                        ClusterId = clusterId,
                        SessionTimeout = TimeSpan.FromSeconds(30),
                        RequestTimeout = TimeSpan.FromSeconds(10),
                    }, _stop.Token);
                    var data = $"create {++attempt}";
                    var path = await client.CreateAsync(prefix, System.Text.Encoding.UTF8.GetBytes(data), CreateMode.PersistentSequential,
                        cancellationToken: _stop.Token);
                    _acknowledged.Enqueue((path, data));
                    Interlocked.Exchange(ref _lastAcknowledgedTicks, DateTime.UtcNow.Ticks);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception exception)
                {
                    Interlocked.Increment(ref _failed);
                    _lastError = exception is CoordException coord ? $"{coord.Code}: {coord.Message}" : exception.GetType().Name;
                    if (exception is CoordException { Code: CoordErrorCode.SessionExpired } && client is not null)
                    {
                        await client.DisposeAsync();
                        client = null;
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(100));
                }
            }
        }
        finally
        {
            try
            {
                if (client is not null) await client.DisposeAsync();
            }
            catch (CoordException)
            {
                // The session's close could not reach the grid: it expires by itself.
            }
        }
    }
}
