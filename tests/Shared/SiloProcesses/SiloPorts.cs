namespace OrleansCoord.Tests.Shared;

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

    /// <summary>Three free ports, and the ZooKeeper port off (<c>--zk-port 0</c> in <see cref="Flags"/>), for a silo
    /// that its tests reach through the SDK only.</summary>
    public static SiloPorts PickWithoutZooKeeper()
    {
        var ports = FreePorts.Pick(3);
        return new SiloPorts(ports[0], ports[1], ports[2], ZooKeeper: 0);
    }
}
