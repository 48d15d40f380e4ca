using Microsoft.Extensions.Configuration;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Silo.Hosting;
using OrleansCoord.Silo.Launchers.Postgres;

namespace OrleansCoord.Silo.Tests;

/// <summary>How <c>--storage Postgres</c> reads its connection string and what it refuses.</summary>
public sealed class PostgresFlagsTests
{
    private readonly List<string> _errors = [];

    private SiloHostOptions ReadAndValidate(params string[] args)
    {
        var options = SiloHostOptionsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(CommandLineFlags.Parse(args, _errors)).Build(), _errors);
        SiloHostOptionsValidator.Validate(options, _errors);
        return options;
    }

    [Fact]
    public void NoConnectionString_MeansTheEmbeddedServer_AnExplicitOneIsKept()
    {
        var embedded = ReadAndValidate("--storage", "Postgres").Storage;
        Assert.Equal(StorageProfile.Postgres, embedded.Profile);
        Assert.True(EmbeddedPostgres.IsEmbedded(embedded.ConnectionString));
        Assert.EndsWith(Path.Combine(".data", "postgres"), embedded.PostgresDir, StringComparison.Ordinal);

        var given = ReadAndValidate("--storage", "Postgres", "--connection-string", "Host=127.0.0.1;Port=25432;Username=u;Database=d").Storage;
        Assert.False(EmbeddedPostgres.IsEmbedded(given.ConnectionString));
        Assert.Empty(_errors);

        // The AzureStorage profile keeps its own default.
        Assert.Equal("UseDevelopmentStorage=true", ReadAndValidate().Storage.ConnectionString);
        Assert.Empty(_errors);
    }

    [Fact]
    public void NoInstallation_IsOneClearMessage_AnInstalledOneIsFound()
    {
        var missing = Assert.Throws<PostgresNotInstalledException>(() => PostgresInstallation.BinDirectory(Path.Combine(Path.GetTempPath(), $"none-{Guid.NewGuid():N}")));
        Assert.Contains("apt-get install postgresql, or give --connection-string", missing.Message, StringComparison.Ordinal);
        if (TestPostgres.BinDirectory is { } installed) Assert.Equal(installed, PostgresInstallation.BinDirectory());
    }

    [Fact]
    public void AzureOnlySettings_AreRefused()
    {
        ReadAndValidate("--storage", "Postgres", "--connection-string", "UseDevelopmentStorage=true");
        ReadAndValidate("--storage", "Postgres", "--watch-streams", "AzureQueue");
        ReadAndValidate("--storage", "Postgres", "--postgres-dir", " ");
        Assert.Equal(3, _errors.Count);
        Assert.Contains(_errors, e => e.Contains("not an Npgsql connection string", StringComparison.Ordinal));
        Assert.Contains(_errors, e => e.Contains("pushes watch events only", StringComparison.Ordinal));
        Assert.Contains(_errors, e => e.Contains("--postgres-dir", StringComparison.Ordinal));
    }
}
