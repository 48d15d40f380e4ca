using System.Diagnostics;
using OrleansCoord.Cli.Tests.Infrastructure;

namespace OrleansCoord.Cli.Tests;

/// <summary>
/// The README's SDK example is samples/QuickStart/Program.cs, word for word, and it runs against a real silo: it
/// connects, sees its watch fire, holds a lock and takes its job from a queue.
/// </summary>
[Collection(GridCollection.Name)]
public sealed class QuickStartSampleTests(SiloFixture grid)
{
    [Fact]
    public void Readme_ShowsTheSample_WordForWord()
    {
        var root = RepositoryRoot();
        var sample = File.ReadAllText(Path.Combine(root, "samples", "QuickStart", "Program.cs")).ReplaceLineEndings("\n").Trim();
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        Assert.Contains($"```csharp\n{sample}\n```", readme);
    }

    [Fact]
    public async Task Sample_ConnectsWatchesLocksAndQueues_AgainstARealSilo()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { BuildOutputs.QuickStartDll, grid.Server, grid.ClusterId }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(CoordProcess.MaxRunTime);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }

        var lines = (await stdout).ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await stdout}\n{await stderr}");
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^watch: NodeDataChanged /quickstart-[0-9a-f]{32}$", lines[0]);
        Assert.Matches(@"^lock: held, fencing token \d+$", lines[1]);
        Assert.Equal("queue: took job-1", lines[2]);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OrleansCoord.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new DirectoryNotFoundException("no OrleansCoord.sln above the test's folder");
    }
}
