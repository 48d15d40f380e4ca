using System.Net;
using System.Net.Sockets;

namespace OrleansCoord.Proxy.FastPath.Loop;

/// <summary>
/// A non-blocking TCP socket served by one <see cref="EventLoop"/>, registered once, edge-triggered. Receives and
/// sends are tried at once and wait for the loop's event only when the socket has nothing (or no room) now; as
/// nginx does, a receive that returns less than it asked for means the socket is drained, so the next receive waits
/// for the event instead of trying a call that would fail. Used only on its loop's thread.
/// </summary>
internal sealed class LoopSocket
{
    private readonly EventLoop _loop;
    private readonly int _fd;
    private readonly Socket? _owner;
    private readonly int _slot;
    private readonly LoopOperation _read = new();
    private readonly LoopOperation _write = new();
    private Memory<byte> _readBuffer;
    private ReadOnlyMemory<byte> _writeRemaining;
    private bool _readPending, _writePending, _connecting;
    private bool _readable = true, _writable = true, _peerClosed;
    private bool _closed;

    /// <summary>Takes <paramref name="fd"/>; <paramref name="owner"/>, when given, is the runtime socket that owns the
    /// descriptor (an accepted client: Kestrel can be handed it), else the descriptor is closed with this.</summary>
    public LoopSocket(EventLoop loop, int fd, Socket? owner, bool connecting = false)
    {
        _loop = loop;
        _fd = fd;
        _owner = owner;
        _connecting = connecting;
        _writable = !connecting;
        _slot = loop.Register(this, fd);
    }

    public EventLoop Loop => _loop;

    public bool Closed => _closed;

    /// <summary>Since when (<see cref="Environment.TickCount64"/>) a send has waited without the peer taking a byte; 0
    /// when none waits.</summary>
    public long SendStalledSince { get; private set; }

    /// <summary>A new connection to <paramref name="endpoint"/> on <paramref name="loop"/>; await <see cref="ConnectedAsync"/>.</summary>
    public static LoopSocket Connect(EventLoop loop, IPEndPoint endpoint)
    {
        var fd = LinuxSockets.Connect(endpoint, out var pending);
        return new LoopSocket(loop, fd, owner: null, connecting: pending);
    }

    /// <summary>Completes when the connection is made; throws the reason it could not be.</summary>
    public ValueTask ConnectedAsync()
    {
        if (!_connecting) return default;
        _writeRemaining = default;
        _writePending = true;
        return _write.WaitVoid();
    }

    /// <summary>Bytes received into <paramref name="buffer"/>; 0 when the peer ended the stream. An empty buffer only
    /// waits until the socket is readable (0 then; SslStream asks so before each record), without a call to the socket.</summary>
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_readable && TryReceive(buffer.Span, out var received)) return new ValueTask<int>(received);
        _readBuffer = buffer;
        _readPending = true;
        return _read.Wait();
    }

    /// <summary>Sends all of <paramref name="data"/>, which must stay untouched until this completes.</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> data)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (TrySend(ref data)) return default;
        _writeRemaining = data;
        _writePending = true;
        SendStalledSince = Environment.TickCount64;
        return _write.WaitVoid();
    }

    /// <summary>
    /// Whether a connection that waited idle (no receive pending, everything it sent before received) has heard nothing
    /// since: no byte and no end of stream. An upstream's stray bytes would otherwise be read as the next request's
    /// answer. The loop's remembered readiness cannot tell: bytes that came after its last wait are not known to it
    /// yet, so the socket itself is asked (one peek, only when an idle connection is taken for a request).
    /// </summary>
    public bool IsQuiet() => !_closed && !_peerClosed && !LinuxSockets.HasPending(_fd);

    /// <summary>The loop's events for this socket.</summary>
    public void OnEvents(uint events)
    {
        if ((events & (LinuxSockets.EPOLLIN | LinuxSockets.EPOLLRDHUP | LinuxSockets.EPOLLHUP | LinuxSockets.EPOLLERR)) != 0)
        {
            _readable = true;
            if ((events & (LinuxSockets.EPOLLRDHUP | LinuxSockets.EPOLLHUP)) != 0) _peerClosed = true;
            if (_readPending) ContinueReceive();
        }

        if (_closed) return;
        if ((events & (LinuxSockets.EPOLLOUT | LinuxSockets.EPOLLHUP | LinuxSockets.EPOLLERR)) != 0)
        {
            _writable = true;
            if (_writePending) ContinueSend();
        }
    }

    /// <summary>Closes the connection; what is pending fails with <see cref="ObjectDisposedException"/>.</summary>
    public void Close()
    {
        if (_closed) return;
        _closed = true;
        _loop.Unregister(_slot, _fd);
        if (_owner is not null) _owner.Dispose();
        else LinuxSockets.Close(_fd);
        if (_readPending || _writePending) FailPending(new ObjectDisposedException(nameof(LoopSocket)));
    }

    /// <summary>Leaves the loop without closing: the runtime socket that owns the descriptor, for Kestrel.</summary>
    public Socket Detach()
    {
        if (_owner is null || _closed || _readPending || _writePending) throw new InvalidOperationException("only an idle accepted socket can be handed over");
        _closed = true;
        _loop.Unregister(_slot, _fd);
        return _owner;
    }

    private void FailPending(Exception reason)
    {
        if (_readPending)
        {
            _readPending = false;
            _read.Fail(reason);
        }

        if (_writePending)
        {
            _writePending = false;
            SendStalledSince = 0;
            _write.Fail(reason);
        }
    }

    private bool TryReceive(Span<byte> buffer, out int received)
    {
        if (buffer.IsEmpty)
        {
            // A zero-byte read: readable is all it asks; recv(0) would only cost a system call to say 0.
            received = 0;
            return true;
        }

        received = LinuxSockets.Receive(_fd, buffer);
        if (received < 0)
        {
            _readable = false;
            return false;
        }

        if (received > 0 && received < buffer.Length && !_peerClosed) _readable = false; // drained: wait for the next edge
        return true;
    }

    private bool TrySend(ref ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty && _writable)
        {
            var sent = LinuxSockets.Send(_fd, data.Span);
            if (sent < 0) _writable = false;
            else data = data[sent..];
        }

        return data.IsEmpty;
    }

    private void ContinueReceive()
    {
        int received;
        try
        {
            if (!TryReceive(_readBuffer.Span, out received)) return;
        }
        catch (Exception exception)
        {
            _readPending = false;
            _read.Fail(exception);
            return;
        }

        _readPending = false;
        _readBuffer = default;
        _read.Complete(received);
    }

    private void ContinueSend()
    {
        if (_connecting)
        {
            _connecting = false;
            _writePending = false;
            var error = LinuxSockets.PendingError(_fd);
            if (error == 0) _write.Complete(0);
            else _write.Fail(LinuxSockets.Failure("connect", error));
            return;
        }

        var data = _writeRemaining;
        try
        {
            if (!TrySend(ref data))
            {
                if (data.Length < _writeRemaining.Length) SendStalledSince = Environment.TickCount64; // progress
                _writeRemaining = data;
                return;
            }
        }
        catch (Exception exception)
        {
            _writePending = false;
            _write.Fail(exception);
            return;
        }

        _writePending = false;
        _writeRemaining = default;
        SendStalledSince = 0;
        _write.Complete(0);
    }
}
