namespace OrleansCoord.Silo.Hosting;

/// <summary>Layers the configuration sources and turns them into validated <see cref="SiloHostOptions"/>.</summary>
public static class SiloHostConfiguration
{
    /// <summary>Exit code for bad flags or configuration values (as in most Unix tools: misuse).</summary>
    public const int UsageExitCode = 2;

    /// <summary>
    /// Adds <c>COORD_</c> environment variables and the flags on top of appsettings.json, reads and validates
    /// the options. On <c>--help</c> or bad values it writes to the console and returns false with the exit code.
    /// </summary>
    /// <remarks>A bad value is reported as one line on stderr, never as a stack trace: it is the user's typo, not a bug.</remarks>
    public static bool TryLoadSiloHostOptions(this WebApplicationBuilder builder, string[] args, out SiloHostOptions options, out int exitCode)
    {
        options = new SiloHostOptions();
        if (CommandLineFlags.IsHelp(args))
        {
            Console.Out.WriteLine(CommandLineFlags.Usage);
            exitCode = 0;
            return false;
        }

        var errors = new List<string>();
        var flags = CommandLineFlags.Parse(args, errors);
        builder.Configuration.AddEnvironmentVariables("COORD_");
        builder.Configuration.AddInMemoryCollection(flags);

        options = SiloHostOptionsReader.Read(builder.Configuration, errors);
        SiloHostOptionsValidator.Validate(options, errors);
        // The files are read now so that a missing or unreadable one is a usage error too, not a failed listener later.
        var tls = errors.Count == 0 ? Tls.SiloTlsMaterial.Load(options.Tls, errors) : null;
        if (tls is not null) builder.Services.AddSingleton(tls);
        // The CAs whose client certificates prove x509 identities to SDK and CLI sessions too (docs/adr/017): --tls-ca,
        // read here also when the silo has no certificate of its own (grid TLS off).
        var clientAuthorities = tls?.Clients?.Authorities ?? (errors.Count == 0 ? Tls.SiloTlsMaterial.LoadClientAuthorities(options.Tls, errors) : null);
        builder.Services.AddSingleton(new OrleansCoord.Grains.Identities.ClientCertificateAuthorities(clientAuthorities));
        // Who may use the HTTP port (docs/adr/016): beyond loopback only behind TLS and credentials, else a usage error.
        if (errors.Count == 0 && HttpPortAccess.Create(options, tls, errors) is { } httpGuard) builder.Services.AddSingleton(httpGuard);
        if (errors.Count > 0)
        {
            Console.Error.WriteLine($"orleanscoord-silo: {string.Join("; ", errors)} (see --help)");
            exitCode = UsageExitCode;
            return false;
        }

        exitCode = 0;
        return true;
    }
}
