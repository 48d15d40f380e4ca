using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansCoord.Sessions;

/// <summary>
/// Proof that a session's client holds a certificate's private key (docs/adr/017-credential-expiry-and-x509-sessions.md):
/// the client signs the session's id, a fresh challenge from the session's grain and the certificate's hash, under a
/// domain of its own, and the grid checks the signature with the certificate's public key. Orleans hands grains no
/// handle on the gateway connection's TLS certificate, so the grid cannot take the identity from the handshake as the
/// ZooKeeper secure port does; a signature over a challenge used once works with or without grid TLS.
/// </summary>
/// <remarks>ECDSA (SHA-256, IEEE P1363 signature) and RSA (SHA-256, PSS) keys; others are refused.</remarks>
public static class CertificateProof
{
    /// <summary>Length of a challenge, in bytes.</summary>
    public const int ChallengeLength = 32;

    /// <summary>The bytes signed: the domain (never a TLS or other signature's input), the session id, the challenge and
    /// the SHA-256 of the certificate's DER. The challenge binds it to this session and this moment; the session's id
    /// to this grid's session (another grid's challenge was never asked by this grid's grain).</summary>
    public static byte[] Message(long sessionId, ReadOnlySpan<byte> challenge, ReadOnlySpan<byte> certificate)
    {
        ReadOnlySpan<byte> domain = "orleanscoord.x509-session-proof.v1\0"u8;
        var message = new byte[domain.Length + 8 + challenge.Length + SHA256.HashSizeInBytes];
        domain.CopyTo(message);
        BinaryPrimitives.WriteInt64BigEndian(message.AsSpan(domain.Length), sessionId);
        challenge.CopyTo(message.AsSpan(domain.Length + 8));
        SHA256.HashData(certificate, message.AsSpan(domain.Length + 8 + challenge.Length));
        return message;
    }

    /// <summary>Signs the proof for <paramref name="sessionId"/> and <paramref name="challenge"/> with the certificate's
    /// private key. Throws <see cref="CryptographicException"/> for a certificate without a usable key.</summary>
    public static byte[] Sign(X509Certificate2 certificate, long sessionId, ReadOnlySpan<byte> challenge)
    {
        var message = Message(sessionId, challenge, certificate.RawData);
        using var ecdsa = certificate.GetECDsaPrivateKey();
        if (ecdsa is not null) return ecdsa.SignData(message, HashAlgorithmName.SHA256);
        using var rsa = certificate.GetRSAPrivateKey();
        if (rsa is not null) return rsa.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        throw new CryptographicException("the certificate has no ECDSA or RSA private key to prove it with");
    }

    /// <summary>True when <paramref name="signature"/> is the proof for <paramref name="sessionId"/> and
    /// <paramref name="challenge"/> under <paramref name="certificate"/>'s public key.</summary>
    public static bool Verify(X509Certificate2 certificate, long sessionId, ReadOnlySpan<byte> challenge, byte[] signature)
    {
        var message = Message(sessionId, challenge, certificate.RawData);
        using var ecdsa = certificate.GetECDsaPublicKey();
        if (ecdsa is not null) return ecdsa.VerifyData(message, signature, HashAlgorithmName.SHA256);
        using var rsa = certificate.GetRSAPublicKey();
        return rsa is not null && rsa.VerifyData(message, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
    }
}
