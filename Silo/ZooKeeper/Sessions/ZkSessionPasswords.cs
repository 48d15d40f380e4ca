using System.Security.Cryptography;

namespace OrleansCoord.Silo.ZooKeeper.Sessions;

/// <summary>
/// Session passwords: the first 16 bytes of HMAC-SHA256(cluster secret, session id). Only a client that was handed
/// the password at connect can resume the session on any silo, and nothing per session needs storing.
/// </summary>
internal sealed class ZkSessionPasswords(IGrainFactory grains)
{
    private Task<byte[]>? _secret;

    public async Task<byte[]> PasswordForAsync(long sessionId)
    {
        var secret = await SecretAsync();
        Span<byte> id = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(id, sessionId);
        return HMACSHA256.HashData(secret, id)[..16];
    }

    public async Task<bool> CheckAsync(long sessionId, byte[] password) =>
        CryptographicOperations.FixedTimeEquals(await PasswordForAsync(sessionId), password);

    private Task<byte[]> SecretAsync()
    {
        var current = _secret;
        if (current is null || current.IsFaulted || current.IsCanceled)
        {
            current = grains.GetGrain<IZkSecretGrain>(0).GetSecret();
            _secret = current;
        }

        return current;
    }
}
