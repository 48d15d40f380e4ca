using System.Text;
using OrleansCoord.AdminAccess;

namespace OrleansCoord.Silo.Tests.HttpGuard;

/// <summary>The stored password format and the Basic check on their own (AdminAccess/; GUARANTEES 172).</summary>
public sealed class BasicAuthenticatorTests
{
    private static string Basic(string userAndPassword) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(userAndPassword));

    [Fact]
    public void PasswordHash_ReadsDjangosFormat_AsPythonWritesIt()
    {
        // python3 -c 'import hashlib,base64;print(base64.b64encode(hashlib.pbkdf2_hmac("sha256",b"pw:1","somesalt".encode(),100000)).decode())'
        var hash = PasswordHash.TryParse("pbkdf2_sha256$100000$somesalt$/b4+3XBW3VVfnAMFdPWMKgeVp/TkxBqKMnRvI/GKms0=", out var problem);

        Assert.Null(problem);
        Assert.True(hash!.Matches("pw:1"u8));
        Assert.False(hash.Matches("pw:2"u8));
    }

    [Fact]
    public void PasswordHash_Create_RoundTrips_WithARandomSalt()
    {
        var first = PasswordHash.Create("secret", PasswordHash.MinimumIterations);
        var second = PasswordHash.Create("secret", PasswordHash.MinimumIterations);

        Assert.NotEqual(first, second);
        Assert.True(PasswordHash.TryParse(first, out _)!.Matches("secret"u8));
        Assert.StartsWith("pbkdf2_sha256$", PasswordHash.Create("x"));
    }

    [Fact]
    public async Task WrongUser_CostsADerivation_AsAWrongPasswordDoes()
    {
        // A refusal must take as long for an unknown user as for a wrong password: no early return on the user.
        var authenticator = new BasicAuthenticator("alice", PasswordHash.TryParse(PasswordHash.Create("pw", PasswordHash.MinimumIterations), out _)!);

        Assert.False(await authenticator.IsValidAsync(Basic("mallory:pw"), default));
        Assert.Equal(1, authenticator.Derivations);
        Assert.False(await authenticator.IsValidAsync(Basic("alice:nope"), default));
        Assert.Equal(2, authenticator.Derivations);
        Assert.True(await authenticator.IsValidAsync(Basic("alice:pw"), default));
        Assert.Equal(3, authenticator.Derivations);
        Assert.True(await authenticator.IsValidAsync(Basic("alice:pw"), default));
        Assert.Equal(3, authenticator.Derivations); // remembered: the dashboard's polling costs one HMAC, not PBKDF2
        Assert.False(await authenticator.IsValidAsync(Basic("alice:pw2"), default));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Basic ")]
    [InlineData("Basic ====")]
    [InlineData("Basic YWxpY2U=")]
    [InlineData("Basic //79/Q==")]
    public async Task Malformed_IsRefused_WithoutDerivation(string? header)
    {
        var authenticator = new BasicAuthenticator("alice", PasswordHash.TryParse(PasswordHash.Create("pw", PasswordHash.MinimumIterations), out _)!);

        Assert.False(await authenticator.IsValidAsync(header, default));
        Assert.Equal(0, authenticator.Derivations);
    }

    [Fact]
    public async Task LongHeader_IsNotDecoded()
    {
        var authenticator = new BasicAuthenticator("alice", PasswordHash.TryParse(PasswordHash.Create("pw", PasswordHash.MinimumIterations), out _)!);

        Assert.False(await authenticator.IsValidAsync(Basic("alice:" + new string('p', 2000)), default));
        Assert.Equal(0, authenticator.Derivations);
    }
}
