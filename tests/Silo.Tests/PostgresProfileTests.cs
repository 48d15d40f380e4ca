using System.Collections.Concurrent;
using System.Globalization;
using OrleansCoord.ZNodes;
using static OrleansCoord.Silo.Tests.GridConnect;

namespace OrleansCoord.Silo.Tests;

/// <summary>
/// The Postgres profile end to end: a silo process on a PostgreSQL each test starts for itself
/// (<see cref="TestPostgres"/>, passed with --connection-string), used through the SDK, stopped and started again.
/// </summary>
public sealed class PostgresProfileTests
{
    private const string ClusterId = "pgprofile";

    [Fact]
    public async Task Restart_KeepsDataVersionAndSequenceCounter()
    {
        await using var postgres = await TestPostgres.StartAsync();
        var ports = SiloPorts.Pick();

        await using (var silo = await StartSiloAsync(ports, postgres))
        {
            await using (var client = await ToAsync(silo, ClusterId))
            {
                await client.CreateAsync("/app", Utf8("root"), cancellationToken: Ct);
                await client.CreateAsync("/app/config", Utf8("v1"), cancellationToken: Ct);
                await client.SetDataAsync("/app/config", Utf8("v2"), version: 0, cancellationToken: Ct);
                Assert.Equal("/app/job-0000000000", await client.CreateAsync("/app/job-", Utf8("a"), CreateMode.PersistentSequential, cancellationToken: Ct));
                await client.CreateAsync("/app/job-", Utf8("b"), CreateMode.PersistentSequential, cancellationToken: Ct);
            }

            Assert.Equal(0, await silo.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
        }

        await using (var silo = await StartSiloAsync(ports, postgres))
        await using (var client = await ToAsync(silo, ClusterId))
        {
            var config = await client.GetDataAsync("/app/config", Ct);
            Assert.Equal("v2", Text(config.Data));
            Assert.Equal(1, config.Stat.Version);
            Assert.Equal(["config", "job-0000000000", "job-0000000001"], (await client.GetChildrenAsync("/app", Ct)).Children);
            Assert.Equal("/app/job-0000000002", await client.CreateAsync("/app/job-", Utf8("c"), CreateMode.PersistentSequential, cancellationToken: Ct));
        }
    }

    /// <summary>A power cut: silo and PostgreSQL SIGKILLed together in the middle of sequential creates. Every create the
    /// SDK acknowledged is there after both start again, and no sequence number is handed out twice.</summary>
    [Fact]
    public async Task KillSiloAndPostgresMidWrites_LosesNoAcknowledgedCreate_ReusesNoSequenceNumber()
    {
        await using var postgres = await TestPostgres.StartAsync();
        var ports = SiloPorts.Pick();
        var acknowledged = new ConcurrentBag<string>();
        const int KillAfter = 200;

        await using (var silo = await StartSiloAsync(ports, postgres))
        {
            var client = await ToAsync(silo, ClusterId);
            await client.CreateAsync("/seq", [], cancellationToken: Ct);
            var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var writers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        acknowledged.Add(await client.CreateAsync("/seq/n-", Utf8("x"), CreateMode.PersistentSequential, cancellationToken: stop.Token));
                    }
                    catch (Exception) when (stop.IsCancellationRequested)
                    {
                        return; // the kill: this create's outcome is unknown, and it was never acknowledged
                    }

                    if (acknowledged.Count >= KillAfter) enough.TrySetResult();
                }
            })).ToList();

            // A writer that fails before the kill ends the wait too, and its exception fails the test below.
            await Task.WhenAny(enough.Task, Task.WhenAll(writers)).WaitAsync(TimeSpan.FromSeconds(120), Ct);
            if (!enough.Task.IsCompleted) await Task.WhenAll(writers);
            await Task.WhenAll(postgres.KillHardAsync(), silo.KillHardAsync());
            await stop.CancelAsync();
            await Task.WhenAll(writers);
            _ = client.DisposeAsync().AsTask(); // its silo is gone: nothing to wait for
        }

        await postgres.StartAgainAsync();
        await using (var silo = await StartSiloAsync(ports, postgres))
        await using (var client = await ToAsync(silo, ClusterId))
        {
            var children = (await client.GetChildrenAsync("/seq", Ct)).Children.Select(c => "/seq/" + c).ToHashSet();
            var lost = acknowledged.Where(path => !children.Contains(path)).ToList();
            Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged creates lost: {string.Join(", ", lost.Take(10))}");

            var highest = children.Max(Number);
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{acknowledged.Count} creates acknowledged before the kill, {children.Count} children after the restart (highest {highest})");
            var next = await client.CreateAsync("/seq/n-", Utf8("after"), CreateMode.PersistentSequential, cancellationToken: Ct);
            Assert.True(Number(next) > highest, $"{next} reuses a number at or below {highest}");
        }
    }

    private static long Number(string path) => long.Parse(path[(path.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture);

    private static Task<SiloProcess> StartSiloAsync(SiloPorts ports, TestPostgres postgres) =>
        SiloProcess.Start(ports, [.. ports.Flags, "--cluster-id", ClusterId, "--storage", "Postgres",
            "--connection-string", postgres.ConnectionString, "--dashboard", "off"]).HealthyWithinAsync(TimeSpan.FromSeconds(90));
}
