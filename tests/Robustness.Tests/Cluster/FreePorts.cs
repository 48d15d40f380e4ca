using System.Net;
using System.Net.Sockets;

namespace OrleansCoord.Robustness.Tests.Cluster;

/// <summary>Loopback ports the OS says are free now.</summary>
public static class FreePorts
{
    /// <summary><paramref name="count"/> distinct ports: all listeners are open together, so that the OS cannot hand
    /// out one port twice.</summary>
    public static int[] Pick(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners) listener.Start();
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }
}
