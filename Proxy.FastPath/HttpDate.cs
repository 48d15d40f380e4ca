using System.Globalization;
using System.Text;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>The Date header value Kestrel puts on its own answers (RFC 1123), formatted once a second.</summary>
internal static class HttpDate
{
    private static (long Second, byte[] Value) _current = (0, []);

    public static ReadOnlySpan<byte> Now()
    {
        var now = DateTimeOffset.UtcNow;
        var second = now.ToUnixTimeSeconds();
        var current = _current;
        if (current.Second == second) return current.Value;
        var value = Encoding.ASCII.GetBytes(now.ToString("r", CultureInfo.InvariantCulture));
        _current = (second, value);
        return value;
    }
}
