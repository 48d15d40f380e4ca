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
        var (exitCode, output) = await ExternalTool.RunAsync(
            ExternalTool.StartInfo(ExternalTool.Python, Script("recipes.py"), grid.ZkServer, root), "", TimeSpan.FromMinutes(3));
        Assert.True(exitCode == 0, $"recipes.py exited with {exitCode}:\n{output}");
        foreach (var recipe in new[] { "lock", "election", "queue", "barrier" }) Assert.Contains($"ok {recipe}", output);
    }

    [Fact]
    public async Task DigestAcl_KazooWithAuthDataOwnsTheZNode_KazooWithoutIsRefused()
    {
        ExternalTool.Require(ExternalTool.Python, "python3-kazoo");
        var path = $"/kazoo-acl-{Guid.NewGuid():N}";
        var (exitCode, output) = await ExternalTool.RunAsync(
            ExternalTool.StartInfo(ExternalTool.Python, Script("acl.py"), grid.ZkServer, path), "", TimeSpan.FromMinutes(2));
        Assert.True(exitCode == 0, $"acl.py exited with {exitCode}:\n{output}");
        foreach (var step in new[] { "create", "refused", "opened" }) Assert.Contains($"ok {step}", output);
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

    private static async Task<string> StderrAsync(Process process)
    {
        if (!process.HasExited) process.Kill();
        return await process.StandardError.ReadToEndAsync();
    }
}
