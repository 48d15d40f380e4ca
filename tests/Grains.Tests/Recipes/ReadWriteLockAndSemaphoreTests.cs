using OrleansCoord.Errors;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Recipes;
using static OrleansCoord.Grains.Tests.Recipes.LeaseProbe;

namespace OrleansCoord.Grains.Tests.Recipes;

/// <summary>Read/write locks and semaphores: their limits, and a waiting writer is not starved.</summary>
public sealed class ReadWriteLockAndSemaphoreTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ReadWriteLock_ManyReaders_ThenWriterAlone_LaterReaderWaitsBehindWriter()
    {
        var name = UniqueName("rw");
        var clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => fixture.ConnectAsync()));
        var (reader1, reader2, writer, lateReader) = (clients[0], clients[1], clients[2], clients[3]);
        try
        {
            var read1 = await reader1.ReadWriteLocks.AcquireReadAsync(name, Long);
            var read2 = await reader2.ReadWriteLocks.AcquireReadAsync(name, Long);
            Assert.Equal(2, (await ViewAsync(fixture, LeaseKind.ReadWriteLock, name)).Holders.Length);

            var writing = writer.ReadWriteLocks.AcquireWriteAsync(name, Long);
            await WaitersAsync(fixture, LeaseKind.ReadWriteLock, name, 1);
            // A reader arriving after the waiting writer queues behind it, although only readers hold the lock.
            var late = await Assert.ThrowsAsync<CoordException>(() => lateReader.ReadWriteLocks.AcquireReadAsync(name, TimeSpan.FromMilliseconds(300)));
            Assert.Equal(CoordErrorCode.OperationTimeout, late.Code);
            var lateReading = lateReader.ReadWriteLocks.AcquireReadAsync(name, Long);
            await WaitersAsync(fixture, LeaseKind.ReadWriteLock, name, 2);

            await read1.ReleaseAsync();
            Assert.False(writing.IsCompleted);
            await read2.ReleaseAsync();
            var write = await writing;
            var holders = (await ViewAsync(fixture, LeaseKind.ReadWriteLock, name)).Holders;
            Assert.Equal((writer.SessionId, LeaseMode.Exclusive), (holders.Single().SessionId, holders.Single().Mode));

            await write.ReleaseAsync();
            await using var read3 = await lateReading;
            Assert.True(read3.FencingToken > write.FencingToken);
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task Semaphore_NeverMoreThanNLeases_UnderContention()
    {
        var name = UniqueName("sem");
        var clients = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => fixture.ConnectAsync()));
        var inside = 0;
        var most = 0;
        try
        {
            await Task.WhenAll(clients.Select(async client =>
            {
                for (var i = 0; i < 10; i++)
                {
                    await using var lease = await client.Semaphores.AcquireAsync(name, 2, Long);
                    var now = Interlocked.Increment(ref inside);
                    InterlockedMax(ref most, now);
                    await Task.Delay(2);
                    Interlocked.Decrement(ref inside);
                }
            }));
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }

        Assert.InRange(most, 1, 2);
        Assert.Empty((await ViewAsync(fixture, LeaseKind.Semaphore, name)).Holders);
    }

    [Fact]
    public async Task Semaphore_OneSessionTakesSeveralLeases_ReleasedWithItsSession()
    {
        var name = UniqueName("sem-session");
        var owner = await fixture.ConnectAsync();
        await using var other = await fixture.ConnectAsync();
        await owner.Semaphores.AcquireAsync(name, 2, Long);
        await owner.Semaphores.AcquireAsync(name, 2, Long);
        var full = await Assert.ThrowsAsync<CoordException>(() => other.Semaphores.AcquireAsync(name, 2, TimeSpan.Zero));
        Assert.Equal(CoordErrorCode.OperationTimeout, full.Code);

        await owner.CloseAsync();
        await using var lease = await other.Semaphores.AcquireAsync(name, 2, TimeSpan.Zero);
        Assert.Single((await ViewAsync(fixture, LeaseKind.Semaphore, name)).Holders);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen) return;
            seen = previous;
        }
    }
}
