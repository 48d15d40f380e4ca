using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>What the ZooKeeper server takes from its host: ports, address, the four-letter-word whitelist, the data
/// directory its <c>conf</c> word reports, and the TLS settings of the secure port.</summary>
public sealed record ZooKeeperServerOptions
{
    /// <summary>The plain port, as ZooKeeper's clientPort; 0 is off.</summary>
    public int Port { get; init; }

    /// <summary>The TLS port, as ZooKeeper's secureClientPort; 0 is off. Needs <see cref="SecureListener"/>.</summary>
    public int SecurePort { get; init; }

    /// <summary>Where both ports listen.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>As ZooKeeper's <c>4lw.commands.whitelist</c>: comma-separated words, <c>*</c> for all.</summary>
    public string? FourLetterWordWhitelist { get; init; }

    /// <summary>What <c>conf</c> and <c>envi</c> report as the data directory (the store's location).</summary>
    public string DataDir { get; init; } = "memory";

    /// <summary>
    /// Kestrel's TLS settings for the secure port, made once the host's services exist: the server's certificate and
    /// the rule for client certificates (Kestrel's TLS middleware is not HTTP-specific; a refused certificate fails the
    /// handshake before a byte of the protocol is read).
    /// </summary>
    public Func<IServiceProvider, HttpsConnectionAdapterOptions>? SecureListener { get; init; }
}
