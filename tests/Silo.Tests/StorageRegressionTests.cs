using System.Collections.Concurrent;
using System.Net;
using OrleansCoord.Errors;
using static OrleansCoord.Silo.Tests.GridConnect;

namespace OrleansCoord.Silo.Tests;

/// <summary>
/// Azurite killed (SIGKILL) under load and started again on its data: it comes back without the writes it took since
/// its last autosave (up to 5 s), writes the grid had acknowledged. The silo, still running, must notice and refuse
/// (DataInconsistency) rather than acknowledge a sequence number or a version a second time (GUARANTEES 1a), and say so
/// on /healthz.
/// </summary>
public sealed class StorageRegressionTests(AzuriteFixture azurite)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task AzuriteKilledUnderLoad_AndBackOlder_NoSequenceNumberOrVersionAcknowledgedTwice()
    {
        var clusterId = $"{azurite.RunId}-regress";
        var root = $"/{clusterId}";
        await using var storage = new AzuriteProcess();
        await storage.StartAsync();
        await using var silo = await SiloProcess.StartHealthyAsync(clusterId, "--connection-string", storage.ConnectionString, "--dashboard", "off");
        await using (var setup = await ToAsync(silo, clusterId))
        {
            await setup.CreateAsync(root, cancellationToken: Ct);
            await setup.CreateAsync($"{root}/register", Utf8("0"), cancellationToken: Ct);
        }

        // Past Azurite's first autosave (5 s), so that what it comes back with holds the tree's root.
        await Task.Delay(TimeSpan.FromSeconds(6), Ct);
        await using var creates = new SequentialWriter(silo.Gateway, clusterId, $"{root}/n-");
        await using var sets = await ToAsync(silo, clusterId);
        var versions = new ConcurrentQueue<int>();
        var refusals = 0;
        using var stopSets = new CancellationTokenSource();
        var setter = Task.Run(async () =>
        {
            for (var i = 0; !stopSets.IsCancellationRequested; i++)
            {
                try
                {
                    versions.Enqueue((await sets.SetDataAsync($"{root}/register", Utf8($"{i}"), cancellationToken: Ct)).Version);
                }
                catch (CoordException exception)
                {
                    if (exception.Code == CoordErrorCode.DataInconsistency) Interlocked.Increment(ref refusals);
                    await Task.Delay(TimeSpan.FromMilliseconds(100), Ct);
                }
            }
        }, Ct);

        creates.Start();
        await creates.WaitForAcknowledgedAsync(100, TimeSpan.FromSeconds(60), () => silo.Output);
        await storage.KillHardAsync();
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        await storage.StartAsync();

        // The writers go on against the Azurite that came back, until the silo has noticed.
        await Poll.UntilAsync(() => Task.FromResult(silo.Output.Contains("Storage went back in time", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60), () => $"the silo did not notice that storage came back older:\n{silo.Output}");
        using (var health = await Http.GetAsync(new Uri(silo.HttpBase, "healthz"), Ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.StartsWith("storage went back in time: ", await health.Content.ReadAsStringAsync(Ct));
        }

        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        await creates.StopAsync();
        await stopSets.CancelAsync();
        await setter;

        var twice = creates.Acknowledged.GroupBy(a => a.Path).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, $"sequence numbers acknowledged twice: {string.Join(", ", twice)}");
        var versionsTwice = versions.GroupBy(v => v).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(versionsTwice.Count == 0, $"versions acknowledged twice: {string.Join(", ", versionsTwice)}");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{creates.Acknowledged.Count} creates and {versions.Count} sets acknowledged; {refusals} sets refused with DataInconsistency");
    }
}
