using Microsoft.Extensions.Logging.Abstractions;
using OrleansCoord.Silo.Launchers.Azurite;
using OrleansCoord.Silo.Tests;

[assembly: AssemblyFixture(typeof(AzuriteFixture))]

namespace OrleansCoord.Silo.Tests;

/// <summary>
/// Makes sure Azurite runs for the whole test run: .ci/run starts one; otherwise the tests start it the
/// way the silo does (same launcher, fresh data folder) so that no silo under test owns it and stops it.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"coord-silo-tests-azurite-{Guid.NewGuid():N}");
    private AzuriteLauncher? _launcher;

    /// <summary>Distinct per test run so stale membership rows of earlier runs never meet this run's silos.</summary>
    public string RunId { get; } = $"silotests-{DateTime.UtcNow:HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";

    public async ValueTask InitializeAsync()
    {
        _launcher = new AzuriteLauncher(AzuritePackage.Locate(), _dataDirectory, NullLogger.Instance);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        await _launcher.EnsureRunningAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_launcher is not null) await _launcher.StopAsync();
        if (Directory.Exists(_dataDirectory))
        {
            try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { /* Best effort: it is under /tmp. */ }
        }
    }
}
