using Microsoft.Extensions.Logging.Abstractions;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Silo.Launchers.Azurite;

[assembly: AssemblyFixture(typeof(Azurite))]

namespace OrleansCoord.Grains.Tests.Fixtures;

/// <summary>
/// The Azurite of this test run: started for it on free ports and a fresh folder with the silo's own launcher (the
/// pinned package, installed with npm ci when missing), stopped after the run, and ended with the test process if
/// that dies (the launcher's exit-with-silo preload). So the tests need nothing started before them, and never
/// share an Azurite with another test project running beside them.
/// </summary>
public sealed class Azurite : IAsyncLifetime
{
    private static string? _connectionString;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"coord-grains-tests-azurite-{Guid.NewGuid():N}");
    private readonly int[] _ports = FreePorts.Pick(3);
    private AzuriteLauncher? _launcher;

    /// <summary>The connection string of this run's Azurite (set before any test runs).</summary>
    public static string ConnectionString =>
        _connectionString ?? throw new InvalidOperationException("the Azurite assembly fixture has not started");

    /// <summary>A table name (letters and digits, starting with a letter) unique to a service id.</summary>
    public static string TableNameFor(string serviceId) =>
        "t" + new string(serviceId.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant()[..Math.Min(40, serviceId.Length)];

    /// <summary>Kept for the tests that say they need Azurite: the fixture has started it.</summary>
    public static void Require() => _ = ConnectionString;

    public async ValueTask InitializeAsync()
    {
        _launcher = new AzuriteLauncher(AzuritePackage.Locate(), _dataDirectory, NullLogger.Instance, _ports);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6)); // npm ci on a fresh clone included
        await _launcher.EnsureRunningAsync(timeout.Token);
        _connectionString = DevelopmentStorage.ConnectionStringFor(_ports);
    }

    public async ValueTask DisposeAsync()
    {
        if (_launcher is not null) await _launcher.StopAsync();
        try { Directory.Delete(_dataDirectory, recursive: true); }
        catch (DirectoryNotFoundException) { /* Never created. */ }
        catch (IOException) { /* Best effort: it is under /tmp. */ }
    }
}
