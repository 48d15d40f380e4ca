using OrleansCoord.AdminAccess;

namespace OrleansCoord.Proxy.Hosting;

/// <summary>The proxy's names for the admin port's access settings (AdminAccess/, docs/adr/016), for its messages.</summary>
internal static class AdminPortAccess
{
    public static readonly AdminPortFlags Flags = new(
        Port: "--admin-port",
        Listen: "--admin-listen",
        Certificate: "--admin-certificate",
        ClientCa: "--admin-client-ca",
        User: "--admin-user",
        PasswordHash: "--admin-password-hash",
        Insecure: "--admin-insecure");
}
