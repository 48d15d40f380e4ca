using static OrleansCoord.Silo.Tests.ZooKeeper.ZkRequests;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>ZooKeeper's own command-line client, zkCli.sh from Debian's zookeeper package, scripted against the grid
/// (one JVM for the whole script).</summary>
[Collection(nameof(ZkSiloCollection))]
public sealed class ZkCliTests(ZkSiloFixture grid)
{
    [Fact]
    public async Task ScriptedSession_CreatesReadsChangesListsDeletes_AndReportsErrorsLikeZooKeeper()
    {
        ExternalTool.Require(ExternalTool.ZkCli, "zookeeper");
        var root = $"/cli-{Guid.NewGuid():N}";
        var script = $"""
            create {root} "v1"
            create {root}/child c
            create -s {root}/seq- s
            create -e {root}/eph e
            get {root}
            set {root} v2
            set -v 0 {root} v3
            get -s {root}
            ls {root}
            stat {root}/child
            delete {root}
            get {root}/missing
            delete {root}/missing
            create {root}/child again
            create {root}/nope/x y
            delete {root}/child
            ls {root}
            quit

            """;
        var (exitCode, output, lines) = await RunScriptAsync(script);
        string Context() => $"exit {exitCode}:\n{output}";

        Assert.Contains($"Created {root}", lines);
        Assert.Contains($"Created {root}/seq-0000000000", lines);
        Assert.Contains($"Created {root}/eph", lines);
        Assert.True(lines.IndexOf("v1") >= 0 && lines.IndexOf("v2") > lines.IndexOf("v1"), Context());
        Assert.Contains($"version No is not valid : {root}", lines);
        Assert.Contains("dataVersion = 1", lines);
        Assert.Contains("numChildren = 3", lines);
        Assert.Contains("[child, eph, seq-0000000000]", lines);
        Assert.Contains($"Node not empty: {root}", lines);
        Assert.Equal(2, lines.Count(l => l == $"Node does not exist: {root}/missing"));
        Assert.Contains($"Node already exists: {root}/child", lines);
        Assert.Contains($"Node does not exist: {root}/nope/x", lines);
        Assert.Contains("[eph, seq-0000000000]", lines);

        // zkCli closed its session on quit, and with it went its ephemeral.
        await using var zk = await RawZkConnection.ConnectAsync(grid.ZkPort);
        var children = await zk.CallAsync(Op.GetChildren, PathWatch(root));
        Assert.Equal(["seq-0000000000"], children.Body.Strings());
        Assert.Equal("v2", Text((await zk.CallAsync(Op.GetData, PathWatch(root))).Body.Buffer()));
    }
    [Fact]
    public async Task ScriptedAcls_AddAuthSetAclGetAcl_AndAnotherSessionGetsNoAuth()
    {
        ExternalTool.Require(ExternalTool.ZkCli, "zookeeper");
        var root = $"/cli-acl-{Guid.NewGuid():N}";
        var owner = $"""
            create {root} "secret data"
            addauth digest alice:secret
            setAcl {root} auth::cdrwa,world:anyone:c
            getAcl {root}
            create {root}/child c
            get {root}
            quit

            """;
        var (ownerExit, ownerOutput, lines) = await RunScriptAsync(owner);
        var alice = "alice:" + Convert.ToBase64String(System.Security.Cryptography.SHA1.HashData("alice:secret"u8.ToArray()));
        Assert.True(lines.Contains($"'digest,'{alice}") && lines.Contains(": cdrwa") && lines.Contains("'world,'anyone") && lines.Contains(": c"),
            $"exit {ownerExit}:\n{ownerOutput}");
        Assert.Contains("secret data", lines);

        var stranger = $"""
            get {root}
            set {root} mine
            getAcl {root}
            create {root}/mine m
            ls {root}
            quit

            """;
        (var strangerExit, var strangerOutput, lines) = await RunScriptAsync(stranger);
        string Context() => $"exit {strangerExit}:\n{strangerOutput}";
        Assert.True(lines.Count(l => l == $"Insufficient permission : {root}") == 4, Context());
        Assert.Contains($"Created {root}/mine", lines);
        Assert.DoesNotContain("secret data", lines);
    }

    /// <summary>Runs zkCli.sh with <paramref name="script"/> on stdin (one JVM); its exit code, output and output lines.</summary>
    private async Task<(int ExitCode, string Output, List<string> Lines)> RunScriptAsync(string script)
    {
        var (exitCode, output) = await ExternalTool.RunAsync(ExternalTool.StartInfo(ExternalTool.ZkCli, "-server", grid.ZkServer), script, TimeSpan.FromMinutes(2));
        return (exitCode, output, output.Split('\n').Select(l => l.TrimEnd('\r')).ToList());
    }
}
