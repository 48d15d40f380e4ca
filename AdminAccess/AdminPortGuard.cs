using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace OrleansCoord.AdminAccess;

/// <summary>
/// One admin HTTP port (the silo's HTTP port, the proxy's admin port): where it listens, whether it speaks TLS, and who
/// may use it (docs/adr/016). Loopback and nothing configured: plain and open, as before. Beyond loopback, or with
/// credentials configured: TLS, and every request but <c>GET /healthz</c> must bring a client certificate from the
/// configured CAs and/or the configured user's password.
/// </summary>
public sealed class AdminPortGuard
{
    private readonly IPAddress? _address;
    private readonly X509Certificate2? _certificate;
    private readonly X509Certificate2Collection? _chain;
    private readonly ClientCertificateAuthorities? _authorities;
    private readonly BasicAuthenticator? _basic;

    private AdminPortGuard(IPAddress? address, X509Certificate2? certificate, X509Certificate2Collection? chain,
        ClientCertificateAuthorities? authorities, BasicAuthenticator? basic, string? warning)
    {
        _address = address;
        _certificate = certificate;
        _chain = chain;
        _authorities = authorities;
        _basic = basic;
        Warning = warning;
    }

    /// <summary>True when the port speaks TLS.</summary>
    public bool Tls => _certificate is not null;

    /// <summary>"https" or "http", for the start-up line.</summary>
    public string Scheme => Tls ? "https" : "http";

    /// <summary>The host part of the port's URL, for the start-up line.</summary>
    public string Host => _address is null ? "localhost" : _address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{_address}]" : _address.ToString();

    /// <summary>What an operator must be told at start (plain HTTP beyond loopback), or null.</summary>
    public string? Warning { get; }

    /// <summary>The basic checker, for tests.</summary>
    internal BasicAuthenticator? Basic => _basic;

    /// <summary>
    /// Checks <paramref name="settings"/> and builds the guard; null with one message per problem appended to
    /// <paramref name="errors"/> (each naming the flag) when the port may not be served as configured.
    /// </summary>
    /// <param name="settings">What the host read from configuration.</param>
    /// <param name="flags">The host's flag names, for the messages.</param>
    /// <param name="certificate">The certificate the port would serve (already loaded by the host), or null.</param>
    /// <param name="chain">Intermediates sent after it, or null.</param>
    /// <param name="errors">Where problems are appended.</param>
    public static AdminPortGuard? Create(AdminPortSettings settings, AdminPortFlags flags, X509Certificate2? certificate,
        X509Certificate2Collection? chain, List<string> errors)
    {
        var before = errors.Count;
        IPAddress? address = null;
        if (settings.ListenAddress is { } listen && !IPAddress.TryParse(listen, out address))
        {
            errors.Add($"{flags.Listen}: '{listen}' is not an IP address (0.0.0.0 or :: for all)");
        }

        var beyondLoopback = address is not null && !IPAddress.IsLoopback(address);
        var hasUser = settings.User is not null;
        if (settings.User is { } user && (user.Contains(':') || user.Any(char.IsControl)))
        {
            errors.Add($"{flags.User}: '{user}' holds a ':' or a control character, which HTTP Basic cannot carry (RFC 7617)");
        }

        PasswordHash? hash = null;
        if (hasUser != settings.PasswordHash is not null)
        {
            errors.Add($"{flags.User} and {flags.PasswordHash} go together");
        }
        else if (settings.PasswordHash is { } stored && (hash = PasswordHash.TryParse(stored, out var problem)) is null)
        {
            errors.Add($"{flags.PasswordHash}: {problem}");
        }

        var hasCa = settings.ClientCaPath is not null;
        if (settings.Insecure && hasCa) errors.Add($"{flags.ClientCa} needs TLS, which {flags.Insecure} turns off");

        var tls = !settings.Insecure && (beyondLoopback || hasCa || hasUser);
        if (tls && beyondLoopback && !hasCa && !hasUser)
        {
            errors.Add($"{flags.Listen} {address} is beyond loopback: {flags.Port} then needs TLS ({flags.Certificate}) and client " +
                $"certificates ({flags.ClientCa}) or a user ({flags.User} with {flags.PasswordHash}), or {flags.Insecure} behind a TLS terminator of your own");
        }
        else if (tls && certificate is null)
        {
            errors.Add($"{flags.Port} with {(hasCa ? flags.ClientCa : flags.User)}{(beyondLoopback ? $" on {address}" : "")} speaks TLS: it needs {flags.Certificate}");
        }

        ClientCertificateAuthorities? authorities = null;
        if (hasCa && errors.Count == before)
        {
            try
            {
                authorities = ClientCertificateAuthorities.Load(settings.ClientCaPath!);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                errors.Add($"{flags.ClientCa}: {settings.ClientCaPath}: {exception.Message}");
            }
        }

        if (errors.Count > before) return null;
        var warning = settings.Insecure && beyondLoopback
            ? $"{flags.Port} listens on {address} in plain HTTP{(hasUser ? " (Basic passwords in clear text)" : " with no authentication")} ({flags.Insecure}): " +
              "anyone who reaches it can read the metrics and the dashboard unless a TLS terminator of your own stands in front"
            : null;
        return new AdminPortGuard(address, tls ? certificate : null, tls ? chain : null, authorities,
            hash is null ? null : new BasicAuthenticator(settings.User!, hash), warning);
    }

    /// <summary>Adds the port's listener: on loopback by default, on the configured address otherwise; TLS when guarded.</summary>
    public void Listen(KestrelServerOptions kestrel, int port)
    {
        if (_address is null) kestrel.ListenLocalhost(port, ConfigureTls);
        else kestrel.Listen(_address, port, ConfigureTls);
    }

    private void ConfigureTls(ListenOptions listen)
    {
        if (_certificate is null) return;
        listen.UseHttps(https =>
        {
            https.ServerCertificate = _certificate;
            if (_chain is { Count: > 0 }) https.ServerCertificateChain = _chain;
            https.CheckCertificateRevocation = false;
            // Asked for, not required, in the handshake: /healthz stays reachable for load balancers without one. A
            // certificate that is presented must chain to the configured CAs, or the handshake fails.
            https.ClientCertificateMode = _authorities is null ? ClientCertificateMode.NoCertificate : ClientCertificateMode.AllowCertificate;
            if (_authorities is { } authorities) https.ClientCertificateValidation = (certificate, chain, _) => authorities.IsTrusted(certificate, chain);
        });
    }

    /// <summary>
    /// The middleware: lets <c>/healthz</c> and an open port's requests through; elsewhere a request without the
    /// configured client certificate gets 403, one without the configured user's password 401 with a Basic challenge.
    /// </summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if ((_authorities is null && _basic is null) || context.Request.Path.Equals("/healthz", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        if (_authorities is not null && context.Connection.ClientCertificate is null)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync("a client certificate is required\n");
            return;
        }

        if (_basic is not null && !await _basic.IsValidAsync(context.Request.Headers.Authorization.Count == 1 ? context.Request.Headers.Authorization[0] : null, context.RequestAborted))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"OrleansCoord\", charset=\"UTF-8\"";
            await context.Response.WriteAsync("credentials required\n");
            return;
        }

        await next(context);
    }
}
