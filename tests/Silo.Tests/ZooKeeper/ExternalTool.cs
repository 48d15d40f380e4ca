using System.Diagnostics;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>Runs a third-party program (zkCli.sh, python3 with kazoo) with a script on stdin, bounded in time.</summary>
internal static class ExternalTool
{
    /// <summary>Debian's zookeeper package (installed by .ci/run).</summary>
    public const string ZkCli = "/usr/share/zookeeper/bin/zkCli.sh";

    /// <summary>Debian's python with python3-kazoo (installed by .ci/run); not a python on PATH, which may lack kazoo.</summary>
    public const string Python = "/usr/bin/python3";

    public static void Require(string path, string package) =>
        Assert.True(File.Exists(path), $"{path} is missing: apt-get install -y --no-install-recommends {package} (.ci/run does)");

    public static ProcessStartInfo StartInfo(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return start;
    }

    /// <summary>Runs to the end and returns the exit code and everything it printed (stdout, then stderr).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo start, string stdin, TimeSpan timeout)
    {
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{start.FileName} did not finish within {timeout.TotalSeconds:0} s:\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout + "\n" + await stderr);
    }

    /// <summary>
    /// The next line a script prints while it talks with the test over stdin/stdout; fails with its stderr when it
    /// exits first.
    /// </summary>
    public static async Task<string> ReadLineAsync(Process process, Task<string> stderr, TimeSpan timeout)
    {
        var line = await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(timeout);
        if (line is null)
        {
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Fail($"{process.StartInfo.ArgumentList.FirstOrDefault()} exited with {process.ExitCode}:\n{await stderr}");
        }

        return line!;
    }
}
