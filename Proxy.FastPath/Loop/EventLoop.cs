using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace OrleansCoord.Proxy.FastPath.Loop;

/// <summary>
/// One thread waiting on one epoll set, nginx's worker: it owns the client connections given to it and the upstream
/// connections they use, and runs their code when their sockets are ready, so a request never changes threads and
/// nothing is locked on its way. Work from other threads arrives through <see cref="Post"/> (an eventfd wakes the
/// loop); once a second it gives each of its connections a heartbeat, for timeouts.
/// </summary>
internal sealed class EventLoop : IDisposable
{
    private const ulong WakeToken = 0;
    private readonly int _epoll;
    private readonly int _wake;
    private readonly byte[] _events = new byte[256 * LinuxSockets.EpollEventSize];
    private readonly ConcurrentQueue<(Action<object?> Action, object? State)> _posted = new();
    private readonly Thread _thread;
    private readonly ILogger _logger;
    private LoopSocket?[] _sockets = new LoopSocket?[64];
    private readonly Stack<int> _freeSlots = new();
    private int _usedSlots;
    private int _wakePending;
    private volatile bool _stopped;
    private long _lastTick = Environment.TickCount64;
    private readonly HashSet<ILoopConnection> _connections = [];
    private ILoopConnection[] _snapshot = [];

    public EventLoop(int index, ILogger logger)
    {
        Index = index;
        _logger = logger;
        _epoll = LinuxSockets.EpollCreate();
        _wake = LinuxSockets.EventFdCreate();
        LinuxSockets.EpollAdd(_epoll, _wake, LinuxSockets.EPOLLIN | LinuxSockets.EPOLLET, WakeToken);
        _thread = new Thread(Run) { IsBackground = true, Name = $"Fast path loop {index}" };
    }

    /// <summary>This loop's place among the proxy's loops (per-loop state such as idle upstream connections is kept by it).</summary>
    public int Index { get; }

    /// <summary>The client connections this loop serves (each told of the heartbeat, once a second).</summary>
    public int ConnectionCount => _connections.Count;

    public bool IsCurrentThread => Thread.CurrentThread == _thread;

    // Not flowing the starting code's execution context: the loop's own is empty, so continuations need not restore one.
    public void Start() => _thread.UnsafeStart();

    /// <summary>Runs <paramref name="action"/> on the loop's thread, soon.</summary>
    public void Post(Action<object?> action, object? state)
    {
        _posted.Enqueue((action, state));
        if (Interlocked.Exchange(ref _wakePending, 1) == 0) LinuxSockets.EventFdSignal(_wake);
    }

    /// <summary>An awaitable that continues on this loop's thread (after an await that finished elsewhere).</summary>
    public LoopSwitch SwitchTo() => new(this);

    public void Add(ILoopConnection connection) => _connections.Add(connection);

    public void Remove(ILoopConnection connection) => _connections.Remove(connection);

    /// <summary>Calls <paramref name="action"/> for each connection, on the loop's thread; connections may end meanwhile.</summary>
    public void ForEachConnection(Action<ILoopConnection, long> action, long argument)
    {
        var count = _connections.Count;
        if (_snapshot.Length < count) _snapshot = new ILoopConnection[Math.Max(count, _snapshot.Length * 2)];
        _connections.CopyTo(_snapshot);
        for (var i = 0; i < count; i++)
        {
            var connection = _snapshot[i];
            _snapshot[i] = null!;
            try
            {
                action(connection, argument);
            }
            catch (Exception exception)
            {
                LogFailure(exception);
            }
        }
    }

    public int Register(LoopSocket socket, int fd)
    {
        if (!_freeSlots.TryPop(out var slot))
        {
            slot = _usedSlots++;
            if (slot == _sockets.Length) Array.Resize(ref _sockets, _sockets.Length * 2);
        }

        _sockets[slot] = socket;
        LinuxSockets.EpollAdd(_epoll, fd, LinuxSockets.EPOLLIN | LinuxSockets.EPOLLOUT | LinuxSockets.EPOLLRDHUP | LinuxSockets.EPOLLET, (ulong)slot + 1);
        return slot;
    }

    /// <summary>Forgets a socket; an event of it still in the current batch is dropped (or, once the slot is reused,
    /// reaches its new socket as a harmless extra readiness: every call copes with "nothing there").</summary>
    public void Unregister(int slot, int fd)
    {
        LinuxSockets.EpollRemove(_epoll, fd);
        _sockets[slot] = null;
        _freeSlots.Push(slot);
    }

    /// <summary>Ends the thread after its current batch; sockets still registered are left to their owners.</summary>
    public void Stop()
    {
        _stopped = true;
        LinuxSockets.EventFdSignal(_wake);
    }

    public void Join(TimeSpan timeout) => _thread.Join(timeout);

    private void Run()
    {
        Observability.Stripes.Claim(Index); // loops never add to the same counter cell
        while (!_stopped)
        {
            var wait = (int)Math.Clamp(1000 - (Environment.TickCount64 - _lastTick), 0, 1000);
            int count;
            try
            {
                count = LinuxSockets.EpollWait(_epoll, _events, wait);
            }
            catch (Exception exception)
            {
                _logger.LogError(exception, "Fast path loop {Index} cannot wait for events; it stops", Index);
                return;
            }

            for (var i = 0; i < count; i++)
            {
                var (events, token) = LinuxSockets.ReadEvent(_events, i);
                // Code run by the loop catches its own failures; one that escapes is logged, and the loop goes on.
                try
                {
                    if (token == WakeToken) RunPosted();
                    else _sockets[(int)token - 1]?.OnEvents(events);
                }
                catch (Exception exception)
                {
                    LogFailure(exception);
                }
            }

            var now = Environment.TickCount64;
            if (now - _lastTick < 1000) continue;
            _lastTick = now;
            ForEachConnection(static (connection, now) => connection.OnHeartbeat(now), now);
        }

        RunPosted(); // what was posted with the stop
    }

    private void RunPosted()
    {
        LinuxSockets.EventFdClear(_wake);
        Volatile.Write(ref _wakePending, 0);
        while (_posted.TryDequeue(out var work))
        {
            try
            {
                work.Action(work.State);
            }
            catch (Exception exception)
            {
                LogFailure(exception);
            }
        }
    }

    private void LogFailure(Exception exception) => _logger.LogError(exception, "Fast path loop {Index}: unexpected failure", Index);

    public void Dispose()
    {
        LinuxSockets.Close(_epoll);
        LinuxSockets.Close(_wake);
    }

    /// <summary>A client connection as its loop sees it.</summary>
    internal interface ILoopConnection
    {
        /// <summary>Once a second: timeouts.</summary>
        void OnHeartbeat(long now);

        /// <summary>The proxy is stopping: close when idle, or after the answer in progress.</summary>
        void Drain();

        /// <summary>The proxy stops now.</summary>
        void Abort();
    }

    /// <summary>Awaiting it continues on the loop's thread.</summary>
    internal readonly struct LoopSwitch(EventLoop loop) : INotifyCompletion
    {
        public LoopSwitch GetAwaiter() => this;

        public bool IsCompleted => loop.IsCurrentThread;

        public void OnCompleted(Action continuation) => loop.Post(static state => ((Action)state!)(), continuation);

        public void GetResult()
        {
        }
    }
}
