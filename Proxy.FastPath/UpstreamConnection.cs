using System.Runtime.CompilerServices;
using OrleansCoord.Proxy.FastPath.Loop;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>
/// One keep-alive HTTP/1.1 connection to an upstream, with its receive buffer. Used by one request at a time:
/// taken from its <see cref="UpstreamPool"/>, sent a request, its answer read (<see cref="ResponseRelay"/>), and
/// returned only when that answer ended exactly where its framing said. Lives on one event loop, as the client
/// connections that use it.
/// </summary>
internal sealed class UpstreamConnection(LoopSocket socket, UpstreamPool pool) : IDisposable
{
    /// <summary>An answer head larger than this is refused (502), like SocketsHttpHandler's 64 KiB default.</summary>
    public const int MaxHeadSize = 64 * 1024;

    private byte[] _buffer = new byte[8192];

    public UpstreamPool Pool => pool;

    public LoopSocket Socket => socket;

    /// <summary>Received bytes not yet used: <c>Buffer[Start..End]</c>.</summary>
    public int Start { get; set; }

    public int End { get; private set; }

    public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(Start, End - Start);

    public byte[] Buffer => _buffer;

    /// <summary>Bytes received over its life (tells "no answer byte yet" apart).</summary>
    public long Received { get; private set; }

    /// <summary>When bytes last came (<see cref="Environment.TickCount64"/>), for the upstream timeout.</summary>
    public long LastReceive { get; private set; }

    /// <summary>When it went back to the pool (<see cref="Environment.TickCount64"/>).</summary>
    public long IdleSince { get; set; }

    /// <summary>Whether it served a request before this one: a failure before any answer byte then may just mean the
    /// upstream closed it while idle, and the request is sent again on a fresh connection.</summary>
    public bool Reused { get; set; }

    /// <summary>Completes when a new connection is made (at once for a pooled one).</summary>
    public ValueTask ConnectedAsync() => socket.ConnectedAsync();

    public ValueTask SendAsync(ReadOnlyMemory<byte> request) => socket.SendAsync(request);

    /// <summary>Receives more bytes after <see cref="End"/> (moving what is left to the front, or growing up to
    /// <see cref="MaxHeadSize"/> when it is full); 0 when the upstream closed the connection.</summary>
    [AsyncMethodBuilder(typeof(SharedPoolValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReceiveAsync()
    {
        if (Start == End) Start = End = 0;
        if (End == _buffer.Length)
        {
            if (Start > 0)
            {
                _buffer.AsSpan(Start, End - Start).CopyTo(_buffer);
                (Start, End) = (0, End - Start);
            }
            else if (_buffer.Length < MaxHeadSize)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            else
            {
                throw new UpstreamException("the answer's head is larger than 64 KiB");
            }
        }

        var received = await socket.ReceiveAsync(_buffer.AsMemory(End));
        End += received;
        Received += received;
        LastReceive = Environment.TickCount64;
        return received;
    }

    public void Dispose() => socket.Close();
}

/// <summary>The upstream broke the protocol or the connection; <see cref="AnswerStarted"/>: after answer bytes came.</summary>
internal sealed class UpstreamException(string message, bool answerStarted = false) : Exception(message)
{
    public bool AnswerStarted => answerStarted;
}
