using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using OrleansCoord.Grains.Identities;

namespace OrleansCoord.Grains.InternalCalls;

/// <summary>
/// The proof a call to a <see cref="GridInternalAttribute">grid-internal</see> interface carries in its request context:
/// when it was made and HMAC-SHA256(identity key, "coord.internal\0" ‖ time ‖ interface ‖ method ‖ target grain). Only
/// a process that holds the grid's key (a silo) can make one; Orleans itself cannot tell a gateway client's call from
/// a silo's (docs/adr/013-identities.md).
/// </summary>
/// <remarks>Bound to the target grain, the method and a time window, so that a proof seen on the wire (silo-to-silo
/// traffic is plain TCP until TLS lands) opens nothing else and only for minutes.</remarks>
public static class InternalCallProof
{
    /// <summary>The request-context key; the guard removes it before the grain runs, so it never travels further.</summary>
    public const string ContextKey = "coord.internal-call";

    /// <summary>How far a proof's time may be from the serving silo's clock: longer than any queued call waits.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private const int TimeLength = 8;

    /// <summary>A proof for one call, made now.</summary>
    public static byte[] Make(CallerCredentials keys, DateTimeOffset now, string interfaceType, string method, GrainId target)
    {
        var issued = now.ToUnixTimeMilliseconds();
        var proof = new byte[TimeLength + 32];
        BinaryPrimitives.WriteInt64BigEndian(proof, issued);
        Mac(keys, issued, interfaceType, method, target, proof.AsSpan(TimeLength));
        return proof;
    }

    /// <summary>Whether <paramref name="proof"/> was made by a silo of this grid for this very call, within the window.</summary>
    public static bool Verifies(CallerCredentials keys, DateTimeOffset now, object? proof, string interfaceType, string method, GrainId target)
    {
        if (proof is not byte[] { Length: TimeLength + 32 } bytes) return false;
        var issued = BinaryPrimitives.ReadInt64BigEndian(bytes);
        if (Math.Abs(now.ToUnixTimeMilliseconds() - issued) > Window.TotalMilliseconds) return false;
        Span<byte> expected = stackalloc byte[32];
        Mac(keys, issued, interfaceType, method, target, expected);
        return CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(TimeLength));
    }

    /// <summary>
    /// The MAC of "coord.internal\0" ‖ time ‖ (length ‖ UTF-8) of interface, method and target. Its own domain prefix:
    /// never the input of a session secret ("coord.ss" + id) or a credential's signature. Built on the stack (pooled
    /// when long): two proofs per internal call are on every create's and delete's path.
    /// </summary>
    private static void Mac(CallerCredentials keys, long issued, string interfaceType, string method, GrainId target, Span<byte> mac)
    {
        var targetName = target.ToString();
        ReadOnlySpan<byte> domain = "coord.internal\0"u8;
        var length = domain.Length + 8 + 12 + Encoding.UTF8.GetByteCount(interfaceType) + Encoding.UTF8.GetByteCount(method)
            + Encoding.UTF8.GetByteCount(targetName);
        byte[]? rented = length > 512 ? ArrayPool<byte>.Shared.Rent(length) : null;
        var input = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
        domain.CopyTo(input);
        var at = domain.Length;
        BinaryPrimitives.WriteInt64BigEndian(input[at..], issued);
        at += 8;
        foreach (var field in (ReadOnlySpan<string>)[interfaceType, method, targetName])
        {
            var written = Encoding.UTF8.GetBytes(field, input[(at + 4)..]);
            BinaryPrimitives.WriteInt32BigEndian(input[at..], written);
            at += 4 + written;
        }

        keys.Mac(input, mac);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
    }
}
