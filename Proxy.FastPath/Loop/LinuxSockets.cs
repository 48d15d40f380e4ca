using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace OrleansCoord.Proxy.FastPath.Loop;

/// <summary>
/// The Linux calls the event loops make directly: epoll, an eventfd to wake a loop, and non-blocking socket
/// calls on raw descriptors. The runtime's own socket engine cannot be told which thread serves which socket;
/// these let one loop own a client connection and its upstream connections, as an nginx worker does.
/// </summary>
internal static unsafe partial class LinuxSockets
{
    public const int EAGAIN = 11;
    public const int EINTR = 4;
    public const int EINPROGRESS = 115;

    public const uint EPOLLIN = 0x001;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;
    public const uint EPOLLRDHUP = 0x2000;
    public const uint EPOLLET = 1u << 31;

    private const int EPOLL_CTL_ADD = 1;
    private const int EPOLL_CTL_DEL = 2;
    private const int EPOLL_CLOEXEC = 0x80000;
    private const int EFD_NONBLOCK = 0x800;
    private const int EFD_CLOEXEC = 0x80000;
    private const int SOCK_STREAM = 1;
    private const int SOCK_NONBLOCK = 0x800;
    private const int SOCK_CLOEXEC = 0x80000;
    private const int MSG_NOSIGNAL = 0x4000;
    private const int MSG_PEEK = 0x2;
    private const int MSG_DONTWAIT = 0x40;
    private const int SOL_SOCKET = 1;
    private const int SO_ERROR = 4;
    private const int IPPROTO_TCP = 6;
    private const int TCP_NODELAY = 1;
    private const ushort AF_INET = 2;
    private const ushort AF_INET6 = 10;

    /// <summary>Where this platform's <c>struct epoll_event</c> keeps its fields (packed on x86-64 only).</summary>
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int EpollDataOffset = EpollEventSize - 8;

    public static bool Supported => OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    public static int EpollCreate() => Check(epoll_create1(EPOLL_CLOEXEC), "epoll_create1");

    /// <summary>Adds <paramref name="fd"/> to <paramref name="epoll"/>; <paramref name="token"/> comes back with its events.</summary>
    public static void EpollAdd(int epoll, int fd, uint events, ulong token)
    {
        var buffer = stackalloc byte[16];
        var span = new Span<byte>(buffer, 16);
        WriteEvent(span, events, token);
        Check(epoll_ctl(epoll, EPOLL_CTL_ADD, fd, buffer), "epoll_ctl");
    }

    public static void EpollRemove(int epoll, int fd)
    {
        var buffer = stackalloc byte[16];
        epoll_ctl(epoll, EPOLL_CTL_DEL, fd, buffer);
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for events into <paramref name="events"/>; their count (0 when interrupted).</summary>
    public static int EpollWait(int epoll, byte[] events, int timeoutMs)
    {
        fixed (byte* buffer = events)
        {
            var count = epoll_wait(epoll, buffer, events.Length / EpollEventSize, timeoutMs);
            if (count >= 0) return count;
            var error = Marshal.GetLastPInvokeError();
            return error == EINTR ? 0 : throw Failure("epoll_wait", error);
        }
    }

    public static (uint Events, ulong Token) ReadEvent(byte[] events, int index)
    {
        var span = events.AsSpan(index * EpollEventSize, EpollEventSize);
        return (BinaryPrimitives.ReadUInt32LittleEndian(span), BinaryPrimitives.ReadUInt64LittleEndian(span[EpollDataOffset..]));
    }

    private static void WriteEvent(Span<byte> span, uint events, ulong token)
    {
        span.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(span, events);
        BinaryPrimitives.WriteUInt64LittleEndian(span[EpollDataOffset..], token);
    }

    public static int EventFdCreate() => Check(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), "eventfd");

    public static void EventFdSignal(int fd)
    {
        ulong one = 1;
        write(fd, &one, 8); // EAGAIN means it is signalled already
    }

    public static void EventFdClear(int fd)
    {
        ulong value;
        read(fd, &value, 8);
    }

    /// <summary>Bytes received, 0 at the end of the stream, -1 when none are there now; throws on a socket error.</summary>
    public static int Receive(int fd, Span<byte> buffer)
    {
        fixed (byte* bytes = buffer)
        {
            while (true)
            {
                var count = recv(fd, bytes, buffer.Length, 0);
                if (count >= 0) return (int)count;
                var error = Marshal.GetLastPInvokeError();
                if (error == EAGAIN) return -1;
                if (error != EINTR) throw Failure("recv", error);
            }
        }
    }

    /// <summary>Whether the peer sent something nobody has received yet: a byte, the end of its stream or an error (a
    /// non-blocking one-byte peek, which consumes nothing).</summary>
    public static bool HasPending(int fd)
    {
        byte first;
        while (true)
        {
            if (recv(fd, &first, 1, MSG_PEEK | MSG_DONTWAIT) >= 0) return true;
            var error = Marshal.GetLastPInvokeError();
            if (error == EAGAIN) return false;
            if (error != EINTR) return true; // reset or the like: the connection is no use either
        }
    }

    /// <summary>Bytes sent (possibly fewer than given), -1 when the socket takes none now; throws on a socket error.</summary>
    public static int Send(int fd, ReadOnlySpan<byte> buffer)
    {
        fixed (byte* bytes = buffer)
        {
            while (true)
            {
                var count = send(fd, bytes, buffer.Length, MSG_NOSIGNAL);
                if (count >= 0) return (int)count;
                var error = Marshal.GetLastPInvokeError();
                if (error == EAGAIN) return -1;
                if (error != EINTR) throw Failure("send", error);
            }
        }
    }

    /// <summary>A non-blocking TCP socket connecting to <paramref name="endpoint"/>, with Nagle off; the connection
    /// completes (or fails: <see cref="PendingError"/>) when the socket turns writable.</summary>
    public static int Connect(IPEndPoint endpoint, out bool pending)
    {
        var ipv6 = endpoint.AddressFamily == AddressFamily.InterNetworkV6;
        var fd = Check(socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), "socket");
        try
        {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(int));
            var address = stackalloc byte[28];
            var length = WriteSocketAddress(new Span<byte>(address, 28), endpoint);
            if (connect(fd, address, length) == 0)
            {
                pending = false;
                return fd;
            }

            var error = Marshal.GetLastPInvokeError();
            if (error != EINPROGRESS) throw Failure("connect", error);
            pending = true;
            return fd;
        }
        catch
        {
            close(fd);
            throw;
        }
    }

    /// <summary>The error a non-blocking connect ended with (0: connected).</summary>
    public static int PendingError(int fd)
    {
        int error = 0, length = sizeof(int);
        return getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 ? error : Marshal.GetLastPInvokeError();
    }

    public static void Close(int fd) => close(fd);

    private static int WriteSocketAddress(Span<byte> span, IPEndPoint endpoint)
    {
        span.Clear();
        if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span, AF_INET6);
            BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)endpoint.Port);
            endpoint.Address.TryWriteBytes(span[8..24], out _);
            BinaryPrimitives.WriteUInt32LittleEndian(span[24..], (uint)endpoint.Address.ScopeId);
            return 28;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(span, AF_INET);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)endpoint.Port);
        endpoint.Address.TryWriteBytes(span[4..8], out _);
        return 16;
    }

    private static int Check(int result, string call) => result >= 0 ? result : throw Failure(call, Marshal.GetLastPInvokeError());

    /// <summary>A failed call as the runtime's sockets would report it.</summary>
    public static SocketException Failure(string call, int errno) =>
        new((int)SocketErrorOf(errno), $"{call} failed: {Marshal.GetPInvokeErrorMessage(errno)}");

    // The errors a peer or the network cause, as the runtime's sockets name them.
    private static SocketError SocketErrorOf(int errno) => errno switch
    {
        104 => SocketError.ConnectionReset,
        32 => SocketError.Shutdown,
        111 => SocketError.ConnectionRefused,
        110 => SocketError.TimedOut,
        113 => SocketError.HostUnreachable,
        101 => SocketError.NetworkUnreachable,
        _ => SocketError.SocketError,
    };

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, byte* @event);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epfd, byte* events, int maxevents, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int eventfd(uint initval, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, void* buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, void* buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int connect(int fd, byte* address, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsockopt(int fd, int level, int name, void* value, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getsockopt(int fd, int level, int name, void* value, int* length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
