namespace OrleansCoord.Silo.ZooKeeper.Sessions;

/// <summary>The cluster's secret for session passwords: random, made once, stored, the same on every silo.</summary>
[Alias("coord.zk.secret")]
public interface IZkSecretGrain : IGrainWithIntegerKey
{
    [Alias("get")] Task<byte[]> GetSecret();
}
