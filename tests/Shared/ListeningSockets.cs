using System.Net;

namespace OrleansCoord.Tests.Shared;

/// <summary>Which local addresses listen on a TCP port, as the kernel says (Linux: /proc/net/tcp and tcp6).</summary>
internal static class ListeningSockets
{
    /// <summary>The local addresses of sockets in state LISTEN (0A) on <paramref name="port"/>.</summary>
    public static List<IPAddress> Addresses(int port) =>
        [.. new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists).SelectMany(File.ReadLines).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 3 && fields[3] == "0A" && fields[1].EndsWith($":{port:X4}", StringComparison.Ordinal))
            .Select(fields => ProcAddress(fields[1][..fields[1].IndexOf(':')]))];

    // /proc/net/tcp writes addresses as the kernel holds them: 32-bit words in host (little-endian) order.
    private static IPAddress ProcAddress(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        for (var word = 0; word < bytes.Length; word += 4) Array.Reverse(bytes, word, 4);
        return new IPAddress(bytes);
    }
}
