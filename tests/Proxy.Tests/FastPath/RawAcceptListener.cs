using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace OrleansCoord.Proxy.Tests.FastPath;

/// <summary>
/// A loopback listening socket whose connections are taken as the fast path's event loop takes them: a raw fd from
/// <c>accept4</c>, its first bytes read with <c>recv</c>, made non-blocking with TCP_NODELAY set, and then wrapped in a
/// <see cref="Socket"/> that owns the fd. Linux only, as the event loop.
/// </summary>
internal sealed class RawAcceptListener : IDisposable
{
    private const int MsgWaitAll = 0x100;
    private const int GetFlags = 3;
    private const int SetFlags = 4;
    private const int NonBlocking = 0x800;
    private const int TcpLevel = 6;
    private const int TcpNoDelay = 1;

    // Never used for anything asynchronous, so .NET leaves its fd blocking and outside its own epoll set.
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public RawAcceptListener()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>The next connection, with the first <paramref name="count"/> bytes its client sent already read from it.</summary>
    public Task<AcceptedConnection> AcceptAsync(int count) => Run(fd => ReceiveExactly(fd, count));

    /// <summary>The next connection, with its first request head (through the empty line) already read from it.</summary>
    public Task<AcceptedConnection> AcceptHeadAsync() => Run(ReceiveHead);

    public void Dispose() => _listener.Dispose();

    // accept4 and recv block (the fd is still blocking then), off the test's thread and bounded by a timeout.
    private Task<AcceptedConnection> Run(Func<int, byte[]> read) => Task.Run(() =>
    {
        var address = new byte[16];
        var addressLength = address.Length;
        var fd = Accept4((int)_listener.Handle, address, ref addressLength, 0);
        if (fd < 0) throw new SocketException(Marshal.GetLastPInvokeError());
        try
        {
            var alreadyRead = read(fd);
            var flags = Fcntl(fd, GetFlags, 0);
            var noDelay = 1;
            if (flags < 0 || Fcntl(fd, SetFlags, flags | NonBlocking) < 0 || SetSocketOption(fd, TcpLevel, TcpNoDelay, ref noDelay, sizeof(int)) < 0)
                throw new SocketException(Marshal.GetLastPInvokeError());
            // sockaddr_in: family, port (network order), IPv4 address.
            var peer = new IPEndPoint(new IPAddress(address.AsSpan(4, 4)), BinaryPrimitives.ReadUInt16BigEndian(address.AsSpan(2, 2)));
            return new AcceptedConnection(new Socket(new SafeSocketHandle(fd, ownsHandle: true)), alreadyRead, peer);
        }
        catch
        {
            Close(fd);
            throw;
        }
    }).WaitAsync(TimeSpan.FromSeconds(30));

    private static byte[] ReceiveExactly(int fd, int count)
    {
        var bytes = new byte[count];
        var received = 0;
        while (received < count)
        {
            var chunk = new byte[count - received];
            var got = (int)Recv(fd, chunk, chunk.Length, MsgWaitAll);
            if (got <= 0) throw new SocketException(got == 0 ? (int)SocketError.ConnectionReset : Marshal.GetLastPInvokeError());
            chunk.AsSpan(0, got).CopyTo(bytes.AsSpan(received));
            received += got;
        }

        return bytes;
    }

    private static byte[] ReceiveHead(int fd)
    {
        var head = new List<byte>();
        while (head.Count < 4 || !head[^4..].SequenceEqual("\r\n\r\n"u8.ToArray())) head.Add(ReceiveExactly(fd, 1)[0]);
        return head.ToArray();
    }

    [DllImport("libc", EntryPoint = "accept4", SetLastError = true)]
    private static extern int Accept4(int fd, [Out] byte[] address, ref int addressLength, int flags);

    [DllImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static extern nint Recv(int fd, [Out] byte[] buffer, nint length, int flags);

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int Fcntl(int fd, int command, int argument);

    [DllImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static extern int SetSocketOption(int fd, int level, int name, ref int value, int length);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}

/// <summary>A connection taken by <see cref="RawAcceptListener"/>: the owning socket, what was read, the client's address.</summary>
internal sealed record AcceptedConnection(Socket Socket, byte[] AlreadyRead, IPEndPoint Peer);
