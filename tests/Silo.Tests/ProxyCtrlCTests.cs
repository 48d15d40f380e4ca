using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansCoord.Silo.Tests;

/// <summary>
/// The proxy the silo starts runs in a session of its own (so that it outlives a killed silo), out of reach of the
/// SIGINT a terminal's Ctrl-C sends to the silo's process group: the silo itself must stop it on that graceful stop.
/// </summary>
public sealed partial class ProxyCtrlCTests : IDisposable
{
    private readonly int[] _proxyPorts = FreePorts.Pick(2);
    private readonly string _clusterId = $"proxy-ctrlc-{Guid.NewGuid():N}";
    private int? _proxyPid;

    [Fact]
    public async Task CtrlCToTheSilosGroup_ProxyInItsOwnSession_StoppedByTheSilo()
    {
        var ports = SiloPorts.Pick();
        // The flags after the ports' own "--proxy-port 0" win.
        await using var silo = SiloProcess.Start(ports, ownProcessGroup: true,
            [.. ports.Flags, "--storage", "Memory", "--dashboard", "off", "--cluster-id", _clusterId,
             "--proxy-port", $"{_proxyPorts[0]}", "--proxy-admin-port", $"{_proxyPorts[1]}"]);
        await silo.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        await Poll.UntilAsync(() => Task.FromResult(StartedLine().IsMatch(silo.Output)), TimeSpan.FromSeconds(30), () => $"the proxy started\n{silo.Output}");
        var pid = _proxyPid = int.Parse(StartedLine().Match(silo.Output).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.NotEqual(Signals.ProcessGroupOf(silo.Pid), Signals.ProcessGroupOf(pid.Value));

        Signals.SendToGroup(Signals.ProcessGroupOf(silo.Pid), Signals.SigInt);

        Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        await Poll.UntilAsync(() => Task.FromResult(!ProcessTable.IsRunning(pid.Value)), TimeSpan.FromSeconds(15),
            () => $"proxy {pid} still runs after its silo's Ctrl-C stop\n{silo.Output}");
    }

    public void Dispose()
    {
        // A proxy left detached by a failed test: by its pid, never by name.
        if (_proxyPid is { } pid && ProcessTable.IsRunning(pid)) Signals.Send(pid, Signals.SigKill);
        var folder = Path.Combine(SiloProcess.RepoRoot, ".data", "proxy");
        foreach (var file in (string[])[$"owner-{_proxyPorts[0]}", $"proxy-{_proxyPorts[0]}.log", $"snapshot-{_clusterId}.json"]) File.Delete(Path.Combine(folder, file));
    }

    [GeneratedRegex(@"Proxy started \(pid (\d+)\)")]
    private static partial Regex StartedLine();
}
