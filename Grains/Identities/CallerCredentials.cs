using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Grains.Identities;

/// <summary>
/// Issues and verifies the credentials that session calls carry (docs/adr/013-identities.md, 017), with the grid's
/// identity key (<see cref="IdentityKey"/>): a session's secret is HMAC(key, session id), a credential's signature is
/// HMAC(key, session id + validity + identities). Both are checked here, in the silo that serves the call, without a
/// grain call; so is the expiry, against this silo's clock with <see cref="ClockTolerance"/> to spare.
/// </summary>
/// <remarks>In-silo code (the ZooKeeper wire server, the grid's housekeeping) issues credentials directly; everyone else
/// gets them from a session grain, which checks what the client proves first.</remarks>
/// <param name="store">Where the identity key is kept.</param>
/// <param name="time">The silo's clock (issue and expiry times).</param>
/// <param name="lifetime">How long an issued credential is valid (CoordGridOptions.CredentialLifetime); default 60 s.</param>
/// <param name="clockTolerance">How far past its expiry a credential is still taken; default 5 s.</param>
public sealed class CallerCredentials(ITreeStore store, TimeProvider? time = null, TimeSpan? lifetime = null, TimeSpan? clockTolerance = null)
{
    private const int SecretLength = 16;

    /// <summary>Past this many sessions the cache of verified credentials starts again (it only saves work).</summary>
    private const int VerifiedLimit = 65_536;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The last credential of each session that verified: every call of a session carries the same one, and two
    /// HMACs per call were ~1.3% of a silo's CPU on the ZooKeeper benchmark.</summary>
    private readonly ConcurrentDictionary<long, CallerCredential> _verified = new();
    private readonly Lock _lock = new();
    private Task<byte[]>? _loading;
    private byte[]? _key;
    private CallerCredential? _grid;

    /// <summary>How long an issued credential is valid.</summary>
    public TimeSpan Lifetime { get; } = lifetime is { } given && given > TimeSpan.Zero ? given : TimeSpan.FromSeconds(60);

    /// <summary>How far past its expiry a credential is still taken: the clock difference between silos tolerated.</summary>
    public TimeSpan ClockTolerance { get; } = clockTolerance is { } tolerance && tolerance >= TimeSpan.Zero ? tolerance : TimeSpan.FromSeconds(5);

    /// <summary>Loads (or, at a new grid's first start, makes) the identity key; cheap once done. Call before the others.</summary>
    public async Task ReadyAsync()
    {
        if (_key is not null) return;
        Task<byte[]> loading;
        lock (_lock)
        {
            if (_loading is null || _loading.IsFaulted || _loading.IsCanceled) _loading = IdentityKey.LoadOrCreateAsync(store);
            loading = _loading;
        }

        var key = await TreeStoreErrors.Translate(IdentityKey.RecordKey, () => loading);
        _key = key;
    }

    /// <summary>The credential of the grid's own housekeeping (TTL and container expiry): the super identity, renewed
    /// here as it ages like any other.</summary>
    public CallerCredential Grid => _grid is { } grid && !NeedsRenewal(grid) ? grid : _grid = Issue(0, [AuthId.Super]);

    /// <summary>A credential for <paramref name="sessionId"/> proving <paramref name="identities"/>, which the caller has
    /// checked, valid for <see cref="Lifetime"/> from now and not past <paramref name="identitiesEndMs"/>.</summary>
    public CallerCredential Issue(long sessionId, IReadOnlyList<AuthId> identities, long identitiesEndMs = long.MaxValue)
    {
        AuthId[] kept = [.. identities.Distinct()];
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var expires = Math.Min(now + (long)Lifetime.TotalMilliseconds, identitiesEndMs);
        return new CallerCredential(sessionId, SecretOf(sessionId), kept, Sign(sessionId, now, expires, identitiesEndMs, kept), now, expires, identitiesEndMs);
    }

    /// <summary>The same session and identities, valid for another <see cref="Lifetime"/> (never past their end), for a
    /// credential the caller has verified (<see cref="DemandSession"/>).</summary>
    public CallerCredential Renew(CallerCredential verified) => Issue(verified.SessionId, verified.Identities, verified.IdentitiesEndMs);

    /// <summary>True once half of <paramref name="credential"/>'s validity has passed: the in-silo holders (the
    /// ZooKeeper port's connections, the housekeeping) issue a new one then.</summary>
    public bool NeedsRenewal(CallerCredential credential) =>
        _time.GetUtcNow().ToUnixTimeMilliseconds() >= credential.IssuedAtMs + (credential.ExpiresAtMs - credential.IssuedAtMs) / 2;

    /// <summary>The secret of a session (its ZooKeeper-style password), the same on every silo.</summary>
    public byte[] SecretOf(long sessionId)
    {
        Span<byte> input = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(input, 0x636f6f72642e7373); // domain "coord.ss": never a signature's input
        BinaryPrimitives.WriteInt64BigEndian(input[8..], sessionId);
        return HMACSHA256.HashData(Key, input)[..SecretLength];
    }

    /// <summary>
    /// The identities a call may use: none without a credential (or with one that proves none); those of a credential
    /// whose secret and signature verify and that has not expired. A credential that does not verify (forged, tampered,
    /// another session's signature with this caller's secret) or has expired fails the call with AuthFailed.
    /// </summary>
    public AuthId[] IdentitiesOf(CallerCredential? credential)
    {
        if (credential is null || credential.Identities is not { Length: > 0 }) return [];
        Verify(credential);
        return credential.Identities;
    }

    /// <summary>Throws AuthFailed unless the call carries the credential of session <paramref name="sessionId"/>, unexpired.</summary>
    public void DemandSession(CallerCredential? credential, long sessionId)
    {
        if (credential is null || credential.SessionId != sessionId)
            throw CoordException.AuthFailed("session", $"the call does not carry the credential of session 0x{sessionId:x16}");
        Verify(credential);
    }

    /// <summary>HMAC-SHA256 with the identity key, for the grid's other proofs; <paramref name="input"/> must begin with
    /// a domain of its own (as <c>"coord.internal\0"</c>), so that no proof is ever a secret or a signature.</summary>
    public void Mac(ReadOnlySpan<byte> input, Span<byte> destination) => HMACSHA256.HashData(Key, input, destination);

    private void Verify(CallerCredential credential)
    {
        if (!(_verified.TryGetValue(credential.SessionId, out var known) && Same(known, credential)))
        {
            var secretOk = credential.Secret is { } secret && CryptographicOperations.FixedTimeEquals(SecretOf(credential.SessionId), secret);
            var signed = credential.Signature is { } signature && credential.Identities is { } identities
                && CryptographicOperations.FixedTimeEquals(
                    Sign(credential.SessionId, credential.IssuedAtMs, credential.ExpiresAtMs, credential.IdentitiesEndMs, identities), signature);
            if (!secretOk || !signed)
                throw CoordException.AuthFailed("session", $"the credential of session 0x{credential.SessionId:x16} does not verify");
            if (_verified.Count >= VerifiedLimit) _verified.Clear();
            _verified[credential.SessionId] = credential;
        }

        // After the signature: the times are the grid's only once it verified. A comparison of two numbers per call.
        if (_time.GetUtcNow().ToUnixTimeMilliseconds() > credential.ExpiresAtMs + (long)ClockTolerance.TotalMilliseconds)
        {
            throw CoordException.AuthFailed("session",
                $"the credential of session 0x{credential.SessionId:x16} expired at {DateTimeOffset.FromUnixTimeMilliseconds(credential.ExpiresAtMs):O}");
        }
    }

    /// <summary>Whether <paramref name="presented"/> carries the very bytes and identities of a credential that verified.
    /// Secret and signature are compared in fixed time: a comparison that stopped at the first wrong byte would tell
    /// a prober how much of a session's secret it has guessed.</summary>
    private static bool Same(CallerCredential verified, CallerCredential presented) =>
        ReferenceEquals(verified, presented)
        || (presented.Secret is { } secret && presented.Signature is { } signature && presented.Identities is { } identities
            && CryptographicOperations.FixedTimeEquals(verified.Secret, secret)
            && CryptographicOperations.FixedTimeEquals(verified.Signature, signature)
            && verified.IssuedAtMs == presented.IssuedAtMs && verified.ExpiresAtMs == presented.ExpiresAtMs
            && verified.IdentitiesEndMs == presented.IdentitiesEndMs
            && verified.Identities.AsSpan().SequenceEqual(identities));

    private byte[] Sign(long sessionId, long issuedAtMs, long expiresAtMs, long identitiesEndMs, AuthId[] identities)
    {
        var input = new List<byte>(96);
        input.AddRange("coord.identities.2\0"u8.ToArray());
        Span<byte> number = stackalloc byte[8];
        foreach (var value in (long[])[sessionId, issuedAtMs, expiresAtMs, identitiesEndMs])
        {
            BinaryPrimitives.WriteInt64BigEndian(number, value);
            input.AddRange(number.ToArray());
        }

        foreach (var identity in identities)
        {
            AddField(input, identity?.Scheme);
            AddField(input, identity?.Id);
        }

        return HMACSHA256.HashData(Key, input.ToArray());
    }

    private static void AddField(List<byte> input, string? value)
    {
        var bytes = Encoding.UTF8.GetBytes(value ?? "");
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, value is null ? -1 : bytes.Length);
        input.AddRange(length.ToArray());
        input.AddRange(bytes);
    }

    private byte[] Key => _key ?? throw new InvalidOperationException("the identity key is not loaded: await ReadyAsync first");
}
