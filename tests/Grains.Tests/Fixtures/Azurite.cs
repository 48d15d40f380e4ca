using System.Net.Sockets;

namespace OrleansCoord.Grains.Tests.Fixtures;

/// <summary>The Azurite that .ci/run (or the developer) started on the default ports.</summary>
public static class Azurite
{
    public const string ConnectionString = "UseDevelopmentStorage=true";

    /// <summary>A table name (letters and digits, starting with a letter) unique to a service id.</summary>
    public static string TableNameFor(string serviceId) =>
        "t" + new string(serviceId.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant()[..Math.Min(40, serviceId.Length)];

    /// <summary>Fails the test with a clear message when Azurite is not listening.</summary>
    public static void Require()
    {
        using var client = new TcpClient();
        try
        {
            client.Connect("127.0.0.1", 10002);
        }
        catch (SocketException)
        {
            Assert.Fail("Azurite is not running on 127.0.0.1:10000-10002 (start it as .ci/run does, or run the silo once).");
        }
    }
}
