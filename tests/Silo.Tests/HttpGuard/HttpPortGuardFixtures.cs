using OrleansCoord.AdminAccess;

namespace OrleansCoord.Silo.Tests.HttpGuard;

/// <summary>A silo whose HTTP port listens on all addresses behind TLS and HTTP Basic (alice's password has a colon).</summary>
public sealed class BasicGuardedSiloFixture : IAsyncLifetime
{
    public const string User = "alice";

    public const string Password = "s3cret:with colon";

    internal AdminTlsCertificates Certificates { get; } = AdminTlsCertificates.Create();

    public SiloProcess Silo { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var https = Certificates.Client();
        Silo = await SiloProcess.StartHealthyAsync(https, $"http-basic-{Guid.NewGuid():N}"[..24], "--storage", "Memory",
            "--http-listen", "0.0.0.0", "--tls-certificate", Certificates.ServerPem, "--tls-key", Certificates.ServerKey,
            "--http-user", User, "--http-password-hash", PasswordHash.Create(Password, PasswordHash.MinimumIterations));
    }

    public async ValueTask DisposeAsync()
    {
        if (Silo is not null) await Silo.DisposeAsync();
        Certificates.Dispose();
    }
}

/// <summary>A silo whose HTTP port listens on all addresses behind TLS with client certificates from the test CA.</summary>
public sealed class CertificateGuardedSiloFixture : IAsyncLifetime
{
    internal AdminTlsCertificates Certificates { get; } = AdminTlsCertificates.Create();

    public SiloProcess Silo { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var https = Certificates.Client();
        Silo = await SiloProcess.StartHealthyAsync(https, $"http-cert-{Guid.NewGuid():N}"[..24], "--storage", "Memory",
            "--http-listen", "0.0.0.0", "--tls-certificate", Certificates.ServerPem, "--tls-key", Certificates.ServerKey,
            "--http-client-ca", Certificates.CaPem);
    }

    public async ValueTask DisposeAsync()
    {
        if (Silo is not null) await Silo.DisposeAsync();
        Certificates.Dispose();
    }
}
