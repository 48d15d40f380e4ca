using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Grains.Sessions;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.ZNodes;

namespace OrleansCoord.Grains.Maintenance;

/// <summary>
/// Brings back to life what has a deadline but may have lost its activation with a dead silo: open or
/// closing sessions, TTL znodes and container znodes. Each silo sweeps the share of the index that
/// <see cref="SweepShare"/> gives it, every <see cref="CoordGridOptions.SweepPeriod"/>.
/// </summary>
internal sealed partial class GridSweeper(
    ITreeStore store,
    IGrainFactory grains,
    SweepShare share,
    IOptions<CoordGridOptions> options,
    ILogger<GridSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepPeriod);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogSweepFailed(logger, exception);
            }
        }
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var isMine = share.Current();
        var touches = new List<Task>();
        foreach (var key in await store.ListKeysAsync(TreeKeys.SessionRecordPrefix, cancellationToken))
        {
            if (isMine(key)) touches.Add(grains.GetGrain<ISessionMaintenanceGrain>(TreeKeys.ParseSessionRecord(key)).Touch());
        }

        foreach (var prefix in new[] { TreeKeys.TtlIndexPrefix, TreeKeys.ContainerIndexPrefix })
        {
            foreach (var key in await store.ListKeysAsync(prefix, cancellationToken))
            {
                if (isMine(key)) touches.Add(grains.GetGrain<IZNodeParticipantGrain>(key[prefix.Length..]).CheckExpiry());
            }
        }

        await Task.WhenAll(touches);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep failed; retrying next period")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
