using CsCheck;
using Orleans.TestingHost;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Robustness.Tests.Cluster;

namespace OrleansCoord.Robustness.Tests.Fuzz;

/// <summary>A one-silo grid on memory, its sweeps turned off so that nothing changes the tree behind the test's back.</summary>
public sealed class FuzzClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public CoordClient Client { get; private set; } = null!;

    public MemoryTreeStore Store => MemoryTreeStore.GetShared(Cluster.Options.ClusterId);

    public async ValueTask InitializeAsync()
    {
        Cluster = await GridCluster.StartAsync(1, sweepPeriod: TimeSpan.FromHours(1));
        Client = await Cluster.ConnectAsync(TimeSpan.FromSeconds(30));
        await Client.CreateAsync(FuzzInputs.Sandbox);
        await Client.CreateAsync(FuzzInputs.Sandbox + "/a");
        await Client.CreateAsync(FuzzInputs.Sandbox + "/b", [1]);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await GridCluster.StopAsync(Cluster);
    }
}

/// <summary>
/// Generated SDK calls: each one succeeds or fails with a <see cref="CoordException"/>, never another exception,
/// and a failed call leaves every record of the tree as it was.
/// </summary>
public sealed class SdkFuzzTests(FuzzClusterFixture fixture) : IClassFixture<FuzzClusterFixture>
{
    [Fact]
    public async Task AnyInput_SucceedsOrTypedError_ErrorChangesNothing()
    {
        var succeeded = 0;
        var failed = 0;
        var codes = new Dictionary<CoordErrorCode, int>();
        await FuzzInputs.Request.SampleAsync(async request =>
        {
            var before = await TreeSnapshot.TakeAsync(fixture.Store);
            try
            {
                await request.RunAsync(fixture.Client);
                succeeded++;
            }
            catch (CoordException exception)
            {
                failed++;
                codes[exception.Code] = codes.GetValueOrDefault(exception.Code) + 1;
                var after = await TreeSnapshot.TakeAsync(fixture.Store);
                var changed = TreeSnapshot.Differences(before, after).ToList();
                Assert.True(changed.Count == 0, $"{request} failed with {exception.Message} but changed {string.Join(", ", changed)}");
            }
        }, iter: 400, threads: 1, print: request => request.ToString());

        // The generators must reach both sides of the line between valid and invalid input.
        TestContext.Current.SendDiagnosticMessage($"fuzz: {succeeded} succeeded, {failed} typed errors ({string.Join(", ", codes.Select(c => $"{c.Key} {c.Value}"))})");
        Assert.True(succeeded >= 10, $"only {succeeded} of the generated calls succeeded");
        Assert.True(failed >= 10, $"only {failed} of the generated calls failed");
    }
}
