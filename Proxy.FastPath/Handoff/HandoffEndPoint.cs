using System.Net;
using System.Net.Sockets;

namespace OrleansCoord.Proxy.FastPath.Handoff;

/// <summary>
/// What Kestrel listens on for the connections the fast path accepted on the public address itself and hands over
/// (<see cref="FastPathHandoff.Hand"/>): <c>kestrel.Listen(new HandoffEndPoint(publicEndPoint), ...)</c>. Kestrel binds
/// no socket for it; <see cref="FastPathHandoff"/> is the transport that serves it. One for the cleartext port, one for
/// the HTTPS port (<paramref name="decrypted"/>: its connections arrive with TLS ended by the fast path).
/// </summary>
internal sealed class HandoffEndPoint(IPEndPoint publicEndPoint, bool decrypted = false) : EndPoint
{
    /// <summary>The address clients connect to (the fast path's listening socket).</summary>
    public IPEndPoint PublicEndPoint { get; } = publicEndPoint;

    /// <summary>Whether the connections are the HTTPS port's, handed over decrypted (Handoff/DecryptedConnection.cs).</summary>
    public bool Decrypted { get; } = decrypted;

    public override AddressFamily AddressFamily => PublicEndPoint.AddressFamily;

    /// <summary>The public address, as Kestrel shows it in "Now listening on: http://..." and the server's addresses.</summary>
    public override string ToString() => PublicEndPoint.ToString();

    public override bool Equals(object? obj) => obj is HandoffEndPoint other && other.PublicEndPoint.Equals(PublicEndPoint) && other.Decrypted == Decrypted;

    public override int GetHashCode() => HashCode.Combine(PublicEndPoint, Decrypted);
}
