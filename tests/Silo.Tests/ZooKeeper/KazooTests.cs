using System.Diagnostics;
using static OrleansCoord.Silo.Tests.ZooKeeper.ZkRequests;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>kazoo (python3-kazoo), an unmodified third-party ZooKeeper client, with its own recipes.</summary>
[Collection(nameof(ZkSiloCollection))]
public sealed class KazooTests(ZkSiloFixture grid)
{
    internal static string Script(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "ZooKeeper", "kazoo", name);

    [Fact]
    public async Task Recipes_LockElectionQueueBarrier_WorkAgainstTheGrid()
    {
        ExternalTool.Require(ExternalTool.Python, "python3-kazoo");
        var root = $"/kazoo-{Guid.NewGuid():N}";
        await RunScriptAsync("recipes.py", root, TimeSpan.FromMinutes(3), "lock", "election", "queue", "barrier");
    }

    [Fact]
    public async Task LockingQueue_EightConsumersAtOnce_EachItemConsumedOnce_NoCallFails()
    {
        ExternalTool.Require(ExternalTool.Python, "python3-kazoo");
        var root = $"/kazoo-queue-{Guid.NewGuid():N}";
        await RunScriptAsync("contended_queue.py", root, TimeSpan.FromMinutes(4), "consume");
    }

    [Fact]
    public async Task ServerVersion_ReadsTheEnviFourLetterWord()
    {
        ExternalTool.Require(ExternalTool.Python, "python3-kazoo");
        await RunScriptAsync("version.py", "/", TimeSpan.FromMinutes(1), "version 3.8.0");
    }

    [Fact]
    public async Task NullData_CreatedOrSetAsNone_ReadsBackAsNone_AndEmptyStaysEmpty()
    {
        ExternalTool.Require(ExternalTool.Python, "python3-kazoo");
        var root = $"/kazoo-null-{Guid.NewGuid():N}";
        await RunScriptAsync("nulldata.py", root, TimeSpan.FromMinutes(2), "create", "set", "empty");
    }

    [Fact]
    public async Task DigestAcl_KazooWithAuthDataOwnsTheZNode_KazooWithoutIsRefused()
    {
        ExternalTool.Require(ExternalTool.Python, "python3-kazoo");
        var path = $"/kazoo-acl-{Guid.NewGuid():N}";
        await RunScriptAsync("acl.py", path, TimeSpan.FromMinutes(2), "create", "refused", "opened");
    }

    [Fact]
    public async Task KilledKazooProcess_ItsEphemeralVanishesWhenTheSessionExpires()
    {
        ExternalTool.Require(ExternalTool.Python, "python3-kazoo");
        var path = $"/kazoo-killed-{Guid.NewGuid():N}/member";
        using var process = Process.Start(ExternalTool.StartInfo(ExternalTool.Python, Script("ephemeral.py"), grid.ZkServer, path))!;
        try
        {
            var ready = await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(ready?.StartsWith("ready ") == true, $"ephemeral.py said '{ready}': {await StderrAsync(process)}");
            var session = Convert.ToInt64(ready["ready ".Length..], 16);

            await using var zk = await RawZkConnection.ConnectAsync(grid.ZkPort);
            Assert.Equal(session, (await zk.CallAsync(Op.Exists, PathWatch(path))).Body.Stat().EphemeralOwner);

            // SIGKILL: no closeSession, the socket just goes; the grid ends the session after its 4 s timeout.
            process.Kill();
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            await Poll.UntilAsync(async () => (await zk.CallAsync(Op.Exists, PathWatch(path))).Err == Err.NoNode,
                TimeSpan.FromSeconds(4 + 30), () => $"{path} of killed session 0x{session:x} still exists");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Runs a kazoo script against the grid with <paramref name="path"/>; it must exit 0 and print "ok STEP" for each step.</summary>
    private async Task RunScriptAsync(string script, string path, TimeSpan timeout, params string[] steps)
    {
        var (exitCode, output) = await ExternalTool.RunAsync(ExternalTool.StartInfo(ExternalTool.Python, Script(script), grid.ZkServer, path), "", timeout);
        Assert.True(exitCode == 0, $"{script} exited with {exitCode}:\n{output}");
        foreach (var step in steps) Assert.Contains($"ok {step}", output);
    }

    private static async Task<string> StderrAsync(Process process)
    {
        if (!process.HasExited) process.Kill();
        return await process.StandardError.ReadToEndAsync();
    }
}
