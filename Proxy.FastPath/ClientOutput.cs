using System.Buffers;
using System.Net.Security;
using System.Runtime.CompilerServices;
using OrleansCoord.Proxy.FastPath.Loop;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>
/// What goes back to a fast-path client: written here, sent in one write by <see cref="FlushAsync"/> (called only
/// before the fast path waits for something, so a small answer leaves in one send; over TLS, in as few records).
/// </summary>
/// <param name="tls">The TLS session over <paramref name="socket"/> on the HTTPS port; null on the cleartext port.</param>
internal sealed class ClientOutput(LoopSocket socket, SslStream? tls) : IBufferWriter<byte>
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);

    public void Advance(int count) => _buffer.Advance(count);

    public Memory<byte> GetMemory(int sizeHint = 0) => _buffer.GetMemory(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => _buffer.GetSpan(sizeHint);

    /// <summary>Sends what was written; false when the client is gone.</summary>
    [AsyncMethodBuilder(typeof(SharedPoolValueTaskMethodBuilder<>))]
    public async ValueTask<bool> FlushAsync()
    {
        if (_buffer.WrittenCount == 0) return !socket.Closed;
        try
        {
            if (tls is null) await socket.SendAsync(_buffer.WrittenMemory);
            else await tls.WriteAsync(_buffer.WrittenMemory);
            return true;
        }
        catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            _buffer.ResetWrittenCount();
        }
    }
}
