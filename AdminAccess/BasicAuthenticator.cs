using System.Security.Cryptography;
using System.Text;

namespace OrleansCoord.AdminAccess;

/// <summary>
/// Checks <c>Authorization: Basic</c> headers against the one configured user and <see cref="PasswordHash"/>.
/// </summary>
/// <remarks>
/// <para>Timing: the user names are compared as SHA-256 digests with <see cref="CryptographicOperations.FixedTimeEquals"/>,
/// and the password is derived even when the user is wrong, so a wrong user and a wrong password cost the same and
/// answer the same (401): the time of a refusal tells nothing about which part was wrong.</para>
/// <para>Cost: a derivation takes a few hundred milliseconds of CPU by design, which a dashboard polling every second
/// or a Prometheus scrape must not pay each time. An accepted header is remembered as its HMAC under a key made at
/// start (the header itself is not kept), so repeats are checked with one HMAC. Derivations run one at a time, so a
/// flood of wrong passwords takes at most one core and queues behind itself.</para>
/// </remarks>
public sealed class BasicAuthenticator
{
    private readonly byte[] _userDigest;
    private readonly PasswordHash _hash;
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly SemaphoreSlim _oneDerivation = new(1, 1);
    private byte[]? _accepted;
    private int _derivations;

    public BasicAuthenticator(string user, PasswordHash hash)
    {
        _userDigest = SHA256.HashData(Encoding.UTF8.GetBytes(user));
        _hash = hash;
    }

    /// <summary>How many password derivations ran (tests: a wrong user costs one as a wrong password does).</summary>
    internal int Derivations => Volatile.Read(ref _derivations);

    /// <summary>True when <paramref name="header"/> carries the configured user and password.</summary>
    public async ValueTask<bool> IsValidAsync(string? header, CancellationToken cancellation)
    {
        if (!BasicCredentials.TryParse(header, out var user, out var password)) return false;

        var mac = HMACSHA256.HashData(_cacheKey, Encoding.UTF8.GetBytes(header!));
        if (Volatile.Read(ref _accepted) is { } accepted && CryptographicOperations.FixedTimeEquals(mac, accepted)) return true;

        var userMatches = CryptographicOperations.FixedTimeEquals(SHA256.HashData(user), _userDigest);
        bool passwordMatches;
        await _oneDerivation.WaitAsync(cancellation);
        try
        {
            Interlocked.Increment(ref _derivations);
            passwordMatches = _hash.Matches(password);
        }
        finally
        {
            _oneDerivation.Release();
            CryptographicOperations.ZeroMemory(password);
        }

        // Non-short-circuit '&': both parts were computed either way; neither result decides alone.
        var valid = userMatches & passwordMatches;
        if (valid) Volatile.Write(ref _accepted, mac);
        return valid;
    }
}
