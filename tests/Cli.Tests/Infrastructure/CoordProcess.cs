using System.Diagnostics;

namespace OrleansCoord.Cli.Tests.Infrastructure;

/// <summary>Runs the built <c>coord</c> (or another built program of the repo, <paramref name="dll"/>) as a separate process,
/// as a shell would, with a bound on its run time.</summary>
public sealed class CoordProcess(IReadOnlyList<string> globalArguments, string? dll = null)
{
    /// <summary>No command may take longer; a hang fails the test instead of stalling the run.</summary>
    public static readonly TimeSpan MaxRunTime = TimeSpan.FromSeconds(60);

    /// <summary>Runs <c>coord</c> with the global arguments followed by <paramref name="arguments"/>.</summary>
    public Task<CliResult> RunAsync(params string[] arguments) => RunAsync(arguments, stdin: null);

    /// <summary>Runs <c>coord</c>, writing <paramref name="stdin"/> to its standard input (then closing it).</summary>
    public async Task<CliResult> RunAsync(IEnumerable<string> arguments, string? stdin, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll ?? BuildOutputs.CoordDll);
        foreach (var argument in globalArguments.Concat(arguments)) start.ArgumentList.Add(argument);

        // A developer's own grid settings must not leak into the tests.
        start.Environment.Remove("COORD_SERVER");
        start.Environment.Remove("COORD_CLUSTER_ID");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(MaxRunTime);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"coord {string.Join(' ', start.ArgumentList.Skip(1))} did not exit within {MaxRunTime}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr, clock.Elapsed);
    }
}
