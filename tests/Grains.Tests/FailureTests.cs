using System.Diagnostics;
using System.Text;
using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Grains.Tests.Support;
using OrleansCoord.Sessions;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

/// <summary>Silos die at the awkward moments; the tree stays whole. Each test restores three silos.</summary>
public sealed class FailureTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);

    private MemoryTreeStore Store => MemoryTreeStore.GetShared(fixture.Cluster.Options.ClusterId);

    [Fact]
    public async Task SessionSiloDies_ClientGone_EphemeralsDeletedWithinTimeoutPlus15s()
    {
        await using var observer = await fixture.ConnectAsync();
        var root = await observer.CreateAsync($"/loss-{Guid.NewGuid():N}");
        await observer.CreateAsync(root + "/group");

        OrleansCoord.Client.CoordClient? owner = null;
        Orleans.TestingHost.SiloHandle? host = null;
        for (var attempt = 0; attempt < 30 && host is null; attempt++)
        {
            if (owner is not null) await owner.DisposeAsync();
            owner = await fixture.ConnectAsync(TimeSpan.FromSeconds(2));
            host = await SiloLocator.KillableHostOfAsync(fixture.Cluster, fixture.Cluster.Client.GetGrain<ISessionGrain>(owner.SessionId));
        }

        Assert.NotNull(host);
        var paths = new List<string>
        {
            await owner!.CreateAsync(root + "/a", mode: CreateMode.Ephemeral),
            await owner.CreateAsync(root + "/group/member-", mode: CreateMode.EphemeralSequential),
        };

        await owner.AbandonAsync();
        var watch = Stopwatch.StartNew();
        await fixture.Cluster.KillSiloAsync(host);
        try
        {
            await Poll.UntilAsync(async () =>
            {
                foreach (var path in paths)
                {
                    if (await observer.ExistsAsync(path) is not null) return false;
                }

                return true;
            }, TimeSpan.FromSeconds(2 + 2 + 15), "expiry of a session whose silo died"); // timeout + grace (a timeout) + 15 s
            Assert.Empty((await observer.GetChildrenAsync(root + "/group")).Children);
        }
        finally
        {
            await fixture.Cluster.StartAdditionalSiloAsync();
        }
    }

    [Fact]
    public async Task SessionSiloDies_TheActivationThatHearsTheClientNext_RenewsTheRecordAtOnce()
    {
        // A long timeout: the old activation would next have renewed half of it (30 s) after the session opened.
        var timeout = TimeSpan.FromSeconds(60);
        OrleansCoord.Client.CoordClient? owner = null;
        Orleans.TestingHost.SiloHandle? host = null;
        for (var attempt = 0; attempt < 30 && host is null; attempt++)
        {
            if (owner is not null) await owner.DisposeAsync();
            owner = await fixture.ConnectAsync(timeout);
            host = await SiloLocator.KillableHostOfAsync(fixture.Cluster, fixture.Cluster.Client.GetGrain<ISessionGrain>(owner.SessionId));
        }

        Assert.NotNull(host);
        var key = TreeKeys.SessionRecord(owner!.SessionId);
        var opened = (await Store.ReadAsync(key))!.Token;
        await fixture.Cluster.KillSiloAsync(host);
        try
        {
            // The record has a gap in its renewals now; another activation that hears no heartbeat (a duplicate, another
            // cluster's sweeper) ends the session when the gap outlasts its patience, so the new one must close it at once.
            var session = fixture.Cluster.Client.GetGrain<ISessionGrain>(owner.SessionId);
            await Poll.UntilAsync(async () =>
            {
                try
                {
                    Caller.Use(owner.Credential);
                    await session.Heartbeat();
                    return true;
                }
                catch (Exception exception) when (exception is not CoordException { Code: CoordErrorCode.SessionExpired })
                {
                    return false; // the silo's death is not known everywhere yet
                }
            }, TimeSpan.FromSeconds(60), "a new activation hears the client");
            await Poll.UntilAsync(async () => (await Store.ReadAsync(key))!.Token != opened, TimeSpan.FromSeconds(15),
                "the new activation renews the record well before half a timeout");
        }
        finally
        {
            await owner.DisposeAsync();
            await fixture.Cluster.StartAdditionalSiloAsync();
        }
    }

    [Fact]
    public async Task Multi_ParticipantSiloKilledWhileCommitHeld_AllOrNothing()
    {
        // The commit goes ahead after the kill. Whether it lands depends on whether the participants had already
        // given up on their coordinator (the kill may outlast the in-doubt timeout) and fenced it: either is right.
        var (client, root, multi) = await KillParticipantSiloWhileCommitHeldAsync(failCommit: false);
        await using var _ = client;
        var reply = await CatchAsync(multi);

        try
        {
            var applied = await client.ExistsAsync(root + "/a") is not null;
            if (reply is OpResult[] results) Assert.True(applied && results.All(r => !r.IsError), "an acknowledged multi must be applied");
            await AssertWholeAsync(client, root, applied);
        }
        finally
        {
            await fixture.Cluster.StartAdditionalSiloAsync();
        }
    }

    [Fact]
    public async Task Multi_ParticipantSiloKilled_CommitFails_NothingApplied()
    {
        var (client, root, multi) = await KillParticipantSiloWhileCommitHeldAsync(failCommit: true);
        await using var _ = client;
        var error = await Assert.ThrowsAnyAsync<Exception>(() => multi);
        Assert.IsType<CoordException>(error);

        try
        {
            await AssertWholeAsync(client, root, applied: false);
        }
        finally
        {
            await fixture.Cluster.StartAdditionalSiloAsync();
        }
    }

    [Fact]
    public async Task Multi_CoordinatorSilentPastInDoubtTimeout_LateCommitIsFenced_RetryAppliesOnce()
    {
        await using var client = await fixture.ConnectAsync();
        var root = await client.CreateAsync($"/fence-{Guid.NewGuid():N}");
        await client.CreateAsync(root + "/x", Text("old"));
        using var hook = new CommitHook(Store, root + "/a", once: true);

        var multi = client.MultiAsync(MultiOps(root));
        Assert.True(hook.Reached.Wait(TimeSpan.FromSeconds(10)), "the multi did not reach its commit");

        // While the verdict is missing, reads wait, then the participants settle it themselves.
        await using var reader = await fixture.ConnectAsync();
        var read = await reader.GetDataAsync(root + "/x");
        Assert.Equal("old", Encoding.UTF8.GetString(read.Data));

        hook.Release(fail: false);
        var results = await multi;
        Assert.All(results, r => Assert.Equal(CoordErrorCode.Ok, r.Code));
        await AssertWholeAsync(client, root, applied: true);
        Assert.Equal(1, (await client.ExistsAsync(root + "/x"))!.Version);
    }

    [Fact]
    public async Task SequentialCreates_WhileASiloDies_NoGhostNoLossNoReuse()
    {
        await using var setup = await fixture.ConnectAsync();
        var parent = await setup.CreateAsync($"/crash-{Guid.NewGuid():N}");
        var victim = fixture.Cluster.Silos.First(s => s != fixture.Cluster.Primary);
        var writers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => fixture.ConnectAsync()));
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(6));

        var load = writers.Select(async writer =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    acknowledged.Add(await writer.CreateAsync(parent + "/n-", mode: CreateMode.PersistentSequential));
                    await Task.Delay(5);
                }
                catch (CoordException)
                {
                    // Outcome unknown (the silo died under the request): allowed, checked below.
                }
            }
        }).ToList();

        // The silo dies under running load: after every writer could have had two creates acknowledged, not a fixed time.
        await Poll.UntilAsync(() => Task.FromResult(acknowledged.Count >= 2 * writers.Length), TimeSpan.FromSeconds(4), "creates before the kill");
        await fixture.Cluster.KillSiloAsync(victim);
        await Task.WhenAll(load);
        try
        {
            var children = (await setup.GetChildrenAsync(parent)).Children;
            Assert.Equal(children.Length, children.Distinct().Count());
            foreach (var path in acknowledged) Assert.Contains(ZNodePath.Name(path), children);
            foreach (var chunk in children.OrderBy(_ => Random.Shared.Next()).Take(1000).Chunk(200))
            {
                var stats = await Task.WhenAll(chunk.Select(child => setup.ExistsAsync(parent + "/" + child)));
                Assert.All(stats, Assert.NotNull);
            }

            Assert.Equal(children.Length, (await setup.ExistsAsync(parent))!.NumChildren);
            var next = await setup.CreateAsync(parent + "/n-", mode: CreateMode.PersistentSequential);
            Assert.DoesNotContain(ZNodePath.Name(next), children);
        }
        finally
        {
            foreach (var writer in writers) await writer.DisposeAsync();
            await fixture.Cluster.StartAdditionalSiloAsync();
        }
    }

    private static ZNodeOp[] MultiOps(string root) =>
    [
        new CreateOp(root + "/a", Text("a")),
        new CreateOp(root + "/b", Text("b")),
        new SetDataOp(root + "/x", Text("new"), 0),
    ];

    /// <summary>
    /// Starts the multi of <see cref="MultiOps"/> on a fresh root, holds its commit, kills the silo of the root's
    /// znode (a participant), then lets the commit go on or fail.
    /// </summary>
    private async Task<(OrleansCoord.Client.CoordClient Client, string Root, Task<OpResult[]> Multi)> KillParticipantSiloWhileCommitHeldAsync(bool failCommit)
    {
        var (client, root, host) = await PrepareMultiAsync();
        using var hook = new CommitHook(Store, root + "/a");
        var multi = client.MultiAsync(MultiOps(root));
        Assert.True(hook.Reached.Wait(TimeSpan.FromSeconds(10)), "the multi did not reach its commit");
        await fixture.Cluster.KillSiloAsync(host);
        hook.Release(fail: failCommit);
        await CatchAsync(multi);
        return (client, root, multi);
    }

    /// <summary>A root whose znode lives on a silo that may be killed, with /x under it.</summary>
    private async Task<(OrleansCoord.Client.CoordClient, string, Orleans.TestingHost.SiloHandle)> PrepareMultiAsync()
    {
        var client = await fixture.ConnectAsync();
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var root = await client.CreateAsync($"/mk-{Guid.NewGuid():N}");
            await client.CreateAsync(root + "/x", Text("old"));
            var host = await SiloLocator.KillableHostOfAsync(fixture.Cluster, fixture.Cluster.Client.GetGrain<IZNodeGrain>(root));
            if (host is not null) return (client, root, host);
        }

        throw new InvalidOperationException("no znode landed on a non-primary silo");
    }

    /// <summary>After the dust settles, the three ops are all visible or none is, everywhere.</summary>
    private static async Task AssertWholeAsync(OrleansCoord.Client.CoordClient client, string root, bool applied)
    {
        var seen = "nothing";
        await Poll.UntilAsync(async () =>
        {
            try
            {
                var a = await client.ExistsAsync(root + "/a") is not null;
                var b = await client.ExistsAsync(root + "/b") is not null;
                var x = Encoding.UTF8.GetString((await client.GetDataAsync(root + "/x")).Data) == "new";
                var children = (await client.GetChildrenAsync(root)).Children;
                var expected = applied ? new[] { "a", "b", "x" } : ["x"];
                seen = $"a={a} b={b} x={x} children=[{string.Join(",", children)}]";
                return a == applied && b == applied && x == applied && children.SequenceEqual(expected);
            }
            catch (CoordException exception)
            {
                seen = exception.Message;
                return false;
            }
        }, TimeSpan.FromSeconds(30), () => (applied ? "the multi applied everywhere" : "the multi applied nowhere") + $" (last seen: {seen})");
    }

    private static async Task<object> CatchAsync<T>(Task<T> task)
    {
        try
        {
            return (await task)!;
        }
        catch (Exception exception)
        {
            // The caller may see an error (its participant died): the outcome is checked from the tree.
            return exception;
        }
    }

    [Fact]
    public async Task DeleteThenCreateOfOneName_QueuedBehindAHeldCommit_BothLand()
    {
        // A parent batch holding both would write the child's record twice in one storage transaction (Azure refuses
        // it; the stores now throw). The parent's commit is held so that the delete and then the create queue up
        // behind it and go into the next batch together; the pause between them orders their arrival (calls of one
        // client may reach a grain through different gateways).
        await using var client = await fixture.ConnectAsync();
        var root = await client.CreateAsync($"/recreate-{Guid.NewGuid():N}");
        await client.CreateAsync(root + "/x", Text("old"));
        var parent = fixture.Cluster.Client.GetGrain<IZNodeGrain>(root);
        Task delete, create, held;
        using (var hook = new CommitHook(Store, root + "/held"))
        {
            held = client.CreateAsync(root + "/held");
            Assert.True(hook.Reached.Wait(TimeSpan.FromSeconds(10)), "the parent did not reach its commit");
            delete = parent.DeleteChild("x", -1, 0);
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            create = parent.CreateChild(new CreateRequest("x", Text("new"), CreateMode.Persistent, 0, 0, 0));
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            hook.Release(fail: false);
        }

        await Task.WhenAll(held, delete, create);
        Assert.Equal("new", Encoding.UTF8.GetString((await client.GetDataAsync(root + "/x")).Data));
        Assert.Equal(["held", "x"], (await client.GetChildrenAsync(root)).Children);
    }

    /// <summary>Holds the store's commit that writes <c>key</c> until the test releases it (optionally failing it).</summary>
    private sealed class CommitHook : IDisposable
    {
        private readonly MemoryTreeStore _store;
        private readonly ManualResetEventSlim _go = new();
        private bool _fail;
        private int _armed = 1;

        public CommitHook(MemoryTreeStore store, string path, bool once = true)
        {
            _store = store;
            var key = TreeKeys.Node(path);
            store.BeforeCommit = writes =>
            {
                if (!writes.Any(w => w.Key == key) || (once && Interlocked.Exchange(ref _armed, 0) == 0)) return;
                Reached.Set();
                _go.Wait(TimeSpan.FromSeconds(30));
                if (_fail) throw new TreeStoreException("injected storage failure");
            };
        }

        public ManualResetEventSlim Reached { get; } = new();

        public void Release(bool fail)
        {
            _fail = fail;
            _go.Set();
        }

        public void Dispose()
        {
            _store.BeforeCommit = null;
            _go.Set();
        }
    }
}
