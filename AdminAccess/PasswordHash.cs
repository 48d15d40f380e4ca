using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OrleansCoord.AdminAccess;

/// <summary>
/// A stored password: PBKDF2 with HMAC-SHA256 (<see cref="Rfc2898DeriveBytes.Pbkdf2(byte[], byte[], int, HashAlgorithmName, int)"/>),
/// written as Django writes it, <c>pbkdf2_sha256$ITERATIONS$SALT$BASE64(32-byte key)</c>, so that Python's standard
/// library (or Django, or passlib) can make one as well as <see cref="Create"/> can.
/// </summary>
/// <remarks>
/// Why PBKDF2: it is in the base library (no package to keep current), FIPS-approved, and its cost is a number in the
/// string that can grow with hardware. The iteration count is checked against a floor so that a weak hash is refused at
/// start, not used. Comparison is <see cref="CryptographicOperations.FixedTimeEquals"/>.
/// </remarks>
public sealed class PasswordHash
{
    /// <summary>The algorithm tag of the format.</summary>
    public const string Algorithm = "pbkdf2_sha256";

    /// <summary>Iterations <see cref="Create"/> uses: OWASP's 2023 advice for PBKDF2-HMAC-SHA256.</summary>
    public const int DefaultIterations = 600_000;

    /// <summary>The fewest iterations accepted in configuration.</summary>
    public const int MinimumIterations = 100_000;

    private const int KeyBytes = 32;
    private readonly byte[] _salt;
    private readonly byte[] _key;

    private PasswordHash(int iterations, byte[] salt, byte[] key)
    {
        Iterations = iterations;
        _salt = salt;
        _key = key;
    }

    /// <summary>How many PBKDF2 iterations one check costs.</summary>
    public int Iterations { get; }

    /// <summary>Parses the stored form; null and a reason when it is not one this class accepts.</summary>
    public static PasswordHash? TryParse(string text, out string? problem)
    {
        var parts = text.Split('$');
        problem = null;
        if (parts.Length != 4 || parts[0] != Algorithm)
        {
            problem = $"not {Algorithm}$ITERATIONS$SALT$HASH";
            return null;
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < MinimumIterations)
        {
            problem = $"iterations must be a number of at least {MinimumIterations:N0}";
            return null;
        }

        var key = new byte[KeyBytes];
        if (parts[2].Length == 0 || !Convert.TryFromBase64String(parts[3], key, out var written) || written != KeyBytes)
        {
            problem = "needs a salt and a base64 SHA-256-sized hash";
            return null;
        }

        return new PasswordHash(iterations, Encoding.UTF8.GetBytes(parts[2]), key);
    }

    /// <summary>A new hash of <paramref name="password"/> with a random salt, in the stored form.</summary>
    public static string Create(string password, int iterations = DefaultIterations)
    {
        var salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(salt), iterations, HashAlgorithmName.SHA256, KeyBytes);
        return $"{Algorithm}${iterations.ToString(CultureInfo.InvariantCulture)}${salt}${Convert.ToBase64String(key)}";
    }

    /// <summary>True when <paramref name="password"/> (UTF-8) derives the stored key; always costs one full derivation.</summary>
    public bool Matches(ReadOnlySpan<byte> password)
    {
        Span<byte> derived = stackalloc byte[KeyBytes];
        Rfc2898DeriveBytes.Pbkdf2(password, _salt, derived, Iterations, HashAlgorithmName.SHA256);
        return CryptographicOperations.FixedTimeEquals(derived, _key);
    }
}
