using System.Net;
using System.Net.Sockets;

namespace OrleansCoord.Cli.Tests.Infrastructure;

/// <summary>Ports nothing listens on right now, so that a test silo does not collide with a developer's grid.</summary>
internal static class FreePorts
{
    /// <summary><paramref name="count"/> distinct ports the OS had free a moment ago.</summary>
    public static int[] Take(int count)
    {
        // Hold all listeners until every port is chosen, so the OS cannot hand out the same one twice.
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
