using Orleans.TestingHost;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Recipes;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Grains.Tests.Support;
using OrleansCoord.Recipes;
using static OrleansCoord.Grains.Tests.Recipes.LeaseProbe;

namespace OrleansCoord.Grains.Tests.Recipes;

/// <summary>The silo of a recipe grain dies while clients contend; each test restores three silos.</summary>
public sealed class RecipeFailureTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task LockSiloKilledDuringContention_NeverTwoHolders_TokensKeepIncreasing()
    {
        var (name, host) = await LockOnKillableSiloAsync();
        var detector = new OverlapDetector();
        var clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => fixture.ConnectAsync()));
        using var stop = new CancellationTokenSource();
        var acquired = 0;
        var contention = clients.Select(client => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await using var held = await client.Locks.AcquireAsync(name, TimeSpan.FromSeconds(60));
                    await detector.InsideAsync(held.FencingToken);
                    Interlocked.Increment(ref acquired);
                }
                catch (CoordException exception) when (exception.Code is CoordErrorCode.ConnectionLoss
                    or CoordErrorCode.OperationTimeout or CoordErrorCode.SystemError)
                {
                    // The silo died under this request; contend again.
                }
            }
        })).ToList();

        try
        {
            await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref acquired) >= 40), TimeSpan.FromSeconds(60), "40 acquisitions before the kill");
            await fixture.Cluster.KillSiloAsync(host);
            var atKill = Volatile.Read(ref acquired);
            await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref acquired) >= atKill + 40), TimeSpan.FromSeconds(90),
                () => $"40 acquisitions after the kill (at kill {atKill}, now {Volatile.Read(ref acquired)})");
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(contention);
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
            await fixture.Cluster.StartAdditionalSiloAsync();
        }

        Assert.Equal(1, detector.MostInsideAtOnce);
        var tokens = detector.Tokens;
        Assert.True(tokens.Zip(tokens.Skip(1)).All(p => p.First < p.Second), "fencing tokens must strictly increase across the kill");
    }

    [Fact]
    public async Task HolderSessionSiloKilled_ClientGone_NextWaiterAcquires()
    {
        var name = UniqueName("session-silo");
        OrleansCoord.Client.CoordClient? owner = null;
        SiloHandle? host = null;
        for (var attempt = 0; attempt < 30 && host is null; attempt++)
        {
            if (owner is not null) await owner.DisposeAsync();
            owner = await fixture.ConnectAsync(TimeSpan.FromSeconds(2));
            host = await SiloLocator.KillableHostOfAsync(fixture.Cluster, fixture.Cluster.Client.GetGrain<OrleansCoord.Sessions.ISessionGrain>(owner.SessionId));
        }

        Assert.NotNull(host);
        await using var waiter = await fixture.ConnectAsync();
        var held = await owner!.Locks.AcquireAsync(name, TimeSpan.FromSeconds(30));
        await owner.AbandonAsync();
        await fixture.Cluster.KillSiloAsync(host);
        try
        {
            // Session timeout + silo death detection + sweep (ADR 004), with room for a loaded machine.
            await using var got = await waiter.Locks.AcquireAsync(name, TimeSpan.FromSeconds(2 + 40));
            Assert.True(got.FencingToken > held.FencingToken);
        }
        finally
        {
            await fixture.Cluster.StartAdditionalSiloAsync();
        }
    }

    [Fact]
    public async Task RecordWrittenByAnotherActivation_ConflictRetiresGrain_RequestRetriedAndApplied()
    {
        var name = UniqueName("conflict");
        await using var owner = await fixture.ConnectAsync();
        await using var next = await fixture.ConnectAsync();
        var held = await owner.Locks.AcquireAsync(name, TimeSpan.FromSeconds(30));

        // What a duplicate activation's write looks like to this one: the record's token moves on.
        var store = MemoryTreeStore.GetShared(fixture.Cluster.Options.ClusterId);
        var key = RecipeKeys.Record(RecipeLimits.GrainKey(LeaseKind.Lock, name));
        var stored = await store.ReadAsync(key);
        Assert.True((await store.CommitAsync([RecordWrite.Replace(key, stored!.Value, stored.Token)])).Committed);

        await held.ReleaseAsync();
        Assert.Empty((await ViewAsync(fixture, LeaseKind.Lock, name)).Holders);
        await using var got = await next.Locks.AcquireAsync(name, TimeSpan.Zero);
        Assert.True(got.FencingToken > held.FencingToken);
    }

    private async Task<(string Name, SiloHandle Host)> LockOnKillableSiloAsync()
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var name = UniqueName("killed");
            await ViewAsync(fixture, LeaseKind.Lock, name);
            if (await SiloLocator.KillableHostOfAsync(fixture.Cluster, Grain(fixture, LeaseKind.Lock, name)) is { } host) return (name, host);
        }

        throw new InvalidOperationException("no lock grain landed on a silo other than the primary in 30 tries");
    }
}
