using System.Net;
using System.Net.Sockets;

namespace OrleansCoord.Tests.Shared;

/// <summary>Loopback ports the OS says are free now (compiled into every test project; see tests/Directory.Build.props).</summary>
internal static class FreePorts
{
    /// <summary><paramref name="count"/> distinct ports, each free when chosen.</summary>
    public static int[] Pick(int count)
    {
        // Hold all listeners open together so the OS cannot hand out the same port twice.
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
