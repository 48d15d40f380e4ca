using System.Net;
using OrleansCoord.AdminAccess;
using OrleansCoord.Proxy.Admin;
using OrleansCoord.Proxy.Forwarding;
using OrleansCoord.Proxy.Hosting;
using OrleansCoord.Proxy.Observability;

// The reverse proxy: routes, clusters and instances come from the grid (Configuration/), requests are balanced
// by the cluster's policy (LoadBalancing/), failing instances are taken out (Health/), connection failures are
// retried elsewhere (Forwarding/), each request is counted and logged (Observability/), and the admin port
// answers /healthz and /metrics (Admin/).
if (args is ["--help" or "-h"])
{
    Console.WriteLine(ProxyCommandLine.Usage);
    return 0;
}

if (ProxyCommandLine.Check(args) is { Count: > 0 } flagErrors)
{
    foreach (var error in flagErrors) Console.Error.WriteLine($"BadArguments: {error}");
    Console.Error.WriteLine(ProxyCommandLine.Usage);
    return 2;
}

var inlineIo = ProxyTuning.PreferInlineIo(); // before anything opens a socket
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
builder.Configuration.AddEnvironmentVariables("COORD_").AddCommandLine(args, ProxyCommandLine.Flags.ToDictionary());
var options = new ProxyOptions();
try
{
    builder.Configuration.GetSection("Proxy").Bind(options);
}
catch (InvalidOperationException exception)
{
    Console.Error.WriteLine($"BadArguments: {exception.Message}");
    return 2;
}

if (options.Validate() is { Count: > 0 } optionErrors)
{
    foreach (var error in optionErrors) Console.Error.WriteLine($"BadArguments: {error}");
    return 2;
}

// The HTTPS port's certificate, loaded (or made) before anything listens: a bad file is a usage error.
string? certificateText = null;
var certificate = options.HttpsPort == 0 ? null : ProxyCertificate.Load(options, out certificateText);
if (options.HttpsPort != 0 && certificate is null)
{
    Console.Error.WriteLine($"BadArguments: {certificateText}");
    return 2;
}

// Who may use the admin port (docs/adr/016): loopback, or TLS and credentials; anything else is a usage error.
var adminErrors = new List<string>();
System.Security.Cryptography.X509Certificates.X509Certificate2? adminCertificate = null;
if (options.AdminCertificatePath is { Length: > 0 } adminPath)
{
    adminCertificate = ProxyCertificate.FromFile(adminPath, options.AdminCertificateKeyPath, options.AdminCertificatePassword, "--admin-certificate", out var adminCertificateText);
    if (adminCertificate is null) adminErrors.Add(adminCertificateText);
}

var adminGuard = adminErrors.Count > 0 ? null : AdminPortGuard.Create(options.AdminAccess, AdminPortAccess.Flags, adminCertificate, null, adminErrors);
if (adminGuard is null)
{
    Console.Error.WriteLine($"BadArguments: {string.Join("; ", adminErrors)}");
    return 2;
}

if (adminGuard.Warning is { } adminWarning) Console.Error.WriteLine($"warning: {adminWarning}");

builder.Logging.SetMinimumLevel(LogLevel.Information)
    .AddFilter("Microsoft", LogLevel.Warning).AddFilter("Yarp", LogLevel.Warning).AddFilter("Orleans", LogLevel.Error)
    .AddFilter("OrleansCoord", LogLevel.Information) // "Orleans" above is a prefix of our own categories too
    // YARP logs each failed forward with its stack trace, and each passive verdict, at Warning: a dead upstream under
    // load would fill the log. Health/HealthChangeLog writes one line per change instead; failures are in /metrics.
    .AddFilter("Yarp.ReverseProxy.Forwarder.HttpForwarder", LogLevel.Error).AddFilter("Yarp.ReverseProxy.Health", LogLevel.Error)
    .AddFilter(ProxyTuning.HostingDiagnosticsCategory, LogLevel.None);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    var address = IPAddress.Parse(options.ListenAddress);
    // Cleartext: HTTP/1.1, plain requests served by the fast path's event loops, the rest by Kestrel + YARP (HTTP/2 on
    // the HTTPS and h2c ports, when given: Hosting/SecondaryListeners.cs).
    kestrel.ListenMainPort(address, options);
    adminGuard.Listen(kestrel, options.AdminPort);
    kestrel.ListenSecondary(address, options, certificate);
    kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodySize;
    kestrel.Limits.RequestHeadersTimeout = options.HeaderTimeout; // the fast path reads it from here too
    kestrel.AddServerHeader = false;
    RequestHeaderDecoding.Apply(kestrel);
});
builder.WebHost.UseInlineIo(inlineIo);
builder.Services.AddGridProxy(options, certificate);

var app = builder.Build();
app.UseAdminPort(options.AdminPort, adminGuard);
app.Use(StrictFramingMiddleware.InvokeAsync); // before YARP: a request framed ambiguously reaches no upstream
if (!options.UnderscoresInHeaders) app.Use(UnderscoredHeaders.DropAsync); // as nginx and the fast path
var observer = app.Services.GetRequiredService<RequestObserver>();
// Requests no route matches are counted (route="") and logged too; the proxy pipeline below sees only matched ones.
app.Use((context, next) => context.GetEndpoint() is null ? observer.InvokeAsync(context, next) : next(context));
app.MapReverseProxy(pipeline =>
{
    pipeline.Use(observer.InvokeAsync);
    pipeline.Use(RetryMiddleware.InvokeAsync);
    pipeline.UseLoadBalancing();
    pipeline.UsePassiveHealthChecks();
    // The requests in flight that least-requests and power-of-two read; the fast path counts its own in the same place.
    pipeline.Use(OrleansCoord.Proxy.LoadBalancing.InFlightMiddleware.InvokeAsync);
});
app.FollowRoutesOnFastPath(options);

app.Lifetime.ApplicationStarted.Register(() =>
    Console.WriteLine($"Proxy listening on {options.ListenAddress}:{options.Port} (admin {adminGuard.Scheme}://{adminGuard.Host}:{options.AdminPort}{SecondaryListeners.Describe(options, certificateText)}), grid {options.Server}"));
try
{
    await app.RunAsync();
}
catch (IOException exception)
{
    // A port in use or not bindable: one line, not a stack trace.
    Console.Error.WriteLine($"SystemError: cannot listen on {options.ListenAddress}:{options.Port}/{options.AdminPort}{SecondaryListeners.Describe(options, null)}: {exception.Message}");
    return 1;
}

return 0;
