using Microsoft.Extensions.Logging;
using OrleansCoord.Silo.Launchers.Azurite;

namespace OrleansCoord.Silo.Hosting;

/// <summary>
/// Starts Azurite before the silo (it is registered ahead of Orleans, and hosted services start in
/// registration order and stop in reverse), and stops it after the silo has left the cluster.
/// </summary>
internal sealed class AzuriteHostedService(AzuriteLauncher launcher) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => launcher.EnsureRunningAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => launcher.StopAsync();

    /// <summary>Registers the service when the storage is the local Azurite; otherwise there is nothing to start.</summary>
    public static void AddIfNeeded(IServiceCollection services, Hosting.SiloHostOptions options)
    {
        if (options.Storage.Profile != Grains.Hosting.StorageProfile.AzureStorage
            || !DevelopmentStorage.IsDevelopment(options.Storage.ConnectionString, options.Storage.AzuritePorts))
        {
            return;
        }

        services.AddSingleton(sp => new AzuriteLauncher(
            AzuritePackage.Locate(), Path.GetFullPath(options.Storage.AzuriteDir), sp.GetRequiredService<ILogger<AzuriteLauncher>>(),
            options.Storage.AzuritePorts));
        services.AddHostedService<AzuriteHostedService>();
    }
}
