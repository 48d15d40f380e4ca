using System.Net.Sockets;
using OrleansCoord.Proxy.FastPath.Loop;

namespace OrleansCoord.Proxy.FastPath.Tls;

/// <summary>
/// The client's bytes as a <see cref="Stream"/>, for the <see cref="System.Net.Security.SslStream"/> that ends TLS over
/// it: on the fast path it reads and writes the <see cref="LoopSocket"/> (on its loop, so the whole TLS exchange stays on
/// that loop's thread, as a plain connection's); once the connection is handed to Kestrel (<see cref="Detach"/>) it
/// reads and writes the same socket through a <see cref="NetworkStream"/>, from any thread, so the same TLS session goes on.
/// </summary>
internal sealed class LoopSocketStream(LoopSocket socket) : Stream
{
    private LoopSocket? _loopSocket = socket;
    private NetworkStream? _detached;

    /// <summary>Takes the socket off its loop (nothing may be pending: the fast path is between reads) and goes on
    /// over a <see cref="NetworkStream"/> that owns it; the socket is returned for its endpoints and shutdown.</summary>
    public Socket Detach()
    {
        var socket = _loopSocket!.Detach();
        _loopSocket = null;
        socket.Blocking = true; // NetworkStream asks it; asynchronous calls do not block either way
        _detached = new NetworkStream(socket, ownsSocket: true);
        return socket;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _loopSocket is { } loopSocket ? loopSocket.ReceiveAsync(buffer) : Detached.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _loopSocket is { } loopSocket ? loopSocket.SendAsync(buffer) : Detached.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Synchronous calls: only after the handoff (the loop never blocks).
    public override int Read(byte[] buffer, int offset, int count) => Detached.Read(buffer, offset, count);

    public override void Write(byte[] buffer, int offset, int count) => Detached.Write(buffer, offset, count);

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Closes the socket once handed over; on the loop the fast path closes its <see cref="LoopSocket"/> itself.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _detached?.Dispose();
        base.Dispose(disposing);
    }

    private NetworkStream Detached => _detached ?? throw new InvalidOperationException("synchronous I/O is only for a connection handed to Kestrel");
}
