using System.Net;
using System.Net.Sockets;

namespace OrleansCoord.Silo.Tests;

/// <summary>The three ports of one silo, each free when chosen.</summary>
public sealed record SiloPorts(int Silo, int Gateway, int Http)
{
    /// <summary>Flags for the silo process.</summary>
    public string[] Flags => ["--silo-port", $"{Silo}", "--gateway-port", $"{Gateway}", "--http-port", $"{Http}"];

    /// <summary>Three distinct ports the OS says are free now.</summary>
    public static SiloPorts Pick()
    {
        // Hold all three listeners open together so the OS cannot hand out the same port twice.
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners) listener.Start();
            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
            return new SiloPorts(ports[0], ports[1], ports[2]);
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }
}
