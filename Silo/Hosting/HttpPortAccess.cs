using OrleansCoord.AdminAccess;

namespace OrleansCoord.Silo.Hosting;

/// <summary>
/// The <c>Http</c> section: where the HTTP port (dashboard, <c>/healthz</c>, <c>/metrics</c>, <c>/commands</c>) listens
/// and who may use it; read here, enforced by AdminAccess/<see cref="AdminPortGuard"/> (docs/adr/016).
/// </summary>
internal static partial class HttpPortAccess
{
    private static readonly AdminPortFlags Flags = new(
        Port: "--http-port",
        Listen: SiloHostOptionsReader.Describe("Http:ListenAddress"),
        Certificate: "--tls-certificate",
        ClientCa: "--http-client-ca",
        User: "--http-user",
        PasswordHash: "--http-password-hash",
        Insecure: "--http-insecure");

    /// <summary>Reads the section's keys into <paramref name="http"/>.</summary>
    public static void Read(IConfiguration configuration, AdminPortSettings http, List<string> errors)
    {
        http.ListenAddress = NullIfEmpty(configuration["Http:ListenAddress"]);
        http.ClientCaPath = NullIfEmpty(configuration["Http:ClientCaPath"]);
        http.User = NullIfEmpty(configuration["Http:User"]);
        http.PasswordHash = NullIfEmpty(configuration["Http:PasswordHash"]);
        var insecure = configuration["Http:Insecure"];
        if (insecure is null) return;
        if (bool.TryParse(insecure.Trim(), out var value)) http.Insecure = value;
        else errors.Add($"{SiloHostOptionsReader.Describe("Http:Insecure")}: '{insecure}' is not true or false");
    }

    /// <summary>The guard of the HTTP port, serving the silo's certificate (<c>--tls-certificate</c>) when it speaks TLS;
    /// null with messages in <paramref name="errors"/> when the section cannot be served.</summary>
    public static AdminPortGuard? Create(SiloHostOptions options, Tls.SiloTlsMaterial? tls, List<string> errors) =>
        AdminPortGuard.Create(options.Http, Flags, tls?.Certificate, tls?.Chain, errors);

    /// <summary>Puts the guard in front of every endpoint of the HTTP port (those mapped later included: closed unless
    /// let through), and logs a warning when the port is plain HTTP beyond loopback (<c>--http-insecure</c>).</summary>
    public static WebApplication UseHttpPortGuard(this WebApplication app)
    {
        var guard = app.Services.GetRequiredService<AdminPortGuard>();
        if (guard.Warning is { } warning) LogInsecure(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansCoord.Silo"), warning);
        app.Use(guard.InvokeAsync);
        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogInsecure(ILogger logger, string warning);

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
