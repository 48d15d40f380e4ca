using System.Security.Cryptography;
using OrleansCoord.Grains.Identities;

namespace OrleansCoord.ZooKeeper.Server.Sessions;

/// <summary>
/// Session passwords: the session's secret, HMAC(identity key, session id) (Grains/Identities/CallerCredentials.cs), the
/// same secret an SDK session's credential carries. Only a client that was handed the password at connect can resume the
/// session on any silo, and nothing per session needs storing.
/// </summary>
internal sealed class ZkSessionPasswords(CallerCredentials credentials)
{
    public async Task<byte[]> PasswordForAsync(long sessionId)
    {
        await credentials.ReadyAsync();
        return credentials.SecretOf(sessionId);
    }

    public async Task<bool> CheckAsync(long sessionId, byte[] password) =>
        CryptographicOperations.FixedTimeEquals(await PasswordForAsync(sessionId), password);
}
