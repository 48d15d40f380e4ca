using System.Text;
using OrleansCoord.Client.Proxy;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>The request as the balancing policies see it (only consistent hashing looks).</summary>
internal sealed partial class FastPathConnection
{
    /// <summary>As Proxy's ConsistentHashPolicy.KeyOf reads an ASP.NET request: header values joined
    /// with ',', the first cookie of that name (names compared ignoring case), the path, else the client address.</summary>
    public string HashKeyOf(HashKey key)
    {
        var value = key.Source switch
        {
            HashKeySource.Header => _head.HeaderValue(key.Name!),
            HashKeySource.Cookie => Cookie(key.Name!),
            HashKeySource.Path => Encoding.ASCII.GetString(_head[_head.Path]),
            _ => null,
        };
        return string.IsNullOrEmpty(value) ? RemoteAddress ?? "" : value;
    }

    // Cookies with quotes or percent-encoding are decoded by ASP.NET's parser: those requests go to YARP.
    private bool CookiesArePlain()
    {
        foreach (var header in _head.Headers)
        {
            if (Ascii.EqualsIgnoreCase(_head[header.Name], "Cookie"u8) && _head[header.Value].IndexOfAny("%\","u8) >= 0) return false;
        }

        return true;
    }

    private string? Cookie(string name)
    {
        foreach (var header in _head.Headers)
        {
            if (!Ascii.EqualsIgnoreCase(_head[header.Name], "Cookie"u8)) continue;
            var value = _head[header.Value];
            foreach (var range in value.Split((byte)';'))
            {
                var pair = value[range].Trim(" \t"u8);
                var equals = pair.IndexOf((byte)'=');
                if (equals > 0 && Ascii.EqualsIgnoreCase(pair[..equals].Trim(" \t"u8), name)) return Encoding.ASCII.GetString(pair[(equals + 1)..].Trim(" \t"u8));
            }
        }

        return null;
    }
}
