using System.Net;
using System.Net.Sockets;

namespace OrleansCoord.Proxy.Tests.Infrastructure;

/// <summary>Loopback ports the OS says are free now.</summary>
internal static class FreePorts
{
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
