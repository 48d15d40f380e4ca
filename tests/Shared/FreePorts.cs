using System.Net;
using System.Net.Sockets;

namespace OrleansCoord.Tests.Shared;

/// <summary>Loopback ports the OS says are free now (compiled into every test project; see tests/Directory.Build.props).</summary>
internal static class FreePorts
{
    // Below the kernel's ephemeral range (32768-60999 on Linux, 49152 and up elsewhere): between a pick and the child
    // process's bind, no outgoing connection of a test running beside this one can take the port as its local one.
    // Clear of the fixed ports of the defaults and of Azurite (10000-10002, 11111, 30000, 8000-8001, 2181).
    private const int First = 20000;
    private const int Last = 29999;

    /// <summary><paramref name="count"/> distinct ports, each free when chosen.</summary>
    public static int[] Pick(int count)
    {
        // Hold all listeners open together so that one pick cannot hold the same port twice.
        var listeners = new List<TcpListener>();
        try
        {
            for (var tries = 0; listeners.Count < count; tries++)
            {
                if (tries == 1000) throw new InvalidOperationException($"no {count} free ports found in {First}-{Last}");
                var listener = new TcpListener(IPAddress.Loopback, Random.Shared.Next(First, Last + 1));
                try
                {
                    listener.Start();
                    listeners.Add(listener);
                }
                catch (SocketException)
                {
                    // taken: another
                }
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }
}
