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
        var result = await new CoordProcess([], BuildOutputs.QuickStartDll).RunAsync(grid.Server, grid.ClusterId);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(3, result.Lines.Length);
        Assert.Matches(@"^watch: NodeDataChanged /quickstart-[0-9a-f]{32}$", result.Lines[0]);
        Assert.Matches(@"^lock: held, fencing token \d+$", result.Lines[1]);
        Assert.Equal("queue: took job-1", result.Lines[2]);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OrleansCoord.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new DirectoryNotFoundException("no OrleansCoord.sln above the test's folder");
    }
}
