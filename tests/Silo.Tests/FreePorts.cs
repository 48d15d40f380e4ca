using System.Net;
using System.Net.Sockets;

namespace OrleansCoord.Silo.Tests;

/// <summary>Loopback ports the OS says are free now.</summary>
public static class FreePorts
{
    /// <summary><paramref name="count"/> distinct ports, each free when chosen.</summary>
    public static int[] Pick(int count)
    {
        // Hold all listeners open together so the OS cannot hand out the same port twice.
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners) listener.Start();
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }
}

/// <summary>The ports of one silo, each free when chosen.</summary>
public sealed record SiloPorts(int Silo, int Gateway, int Http, int ZooKeeper)
{
    /// <summary>Flags for the silo process (the ZooKeeper port too: its default, 2181, would clash between silos; and no proxy on 8000).</summary>
    public string[] Flags => ["--silo-port", $"{Silo}", "--gateway-port", $"{Gateway}", "--http-port", $"{Http}", "--zk-port", $"{ZooKeeper}", "--proxy-port", "0"];

    /// <summary>Four distinct ports the OS says are free now.</summary>
    public static SiloPorts Pick()
    {
        var ports = FreePorts.Pick(4);
        return new SiloPorts(ports[0], ports[1], ports[2], ports[3]);
    }
}
