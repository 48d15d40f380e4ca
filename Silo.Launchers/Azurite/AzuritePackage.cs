using System.Diagnostics;
using OrleansCoord.Silo.Launchers.Processes;

namespace OrleansCoord.Silo.Launchers.Azurite;

/// <summary>
/// The pinned Azurite npm package (Silo.Launchers/Azurite/package.json + package-lock.json): where it is and
/// installing it with <c>npm ci</c> when its node_modules is missing.
/// </summary>
internal sealed class AzuritePackage(string directory)
{
    /// <summary>The folder holding package.json.</summary>
    public string Directory { get; } = directory;

    /// <summary>Azurite's entry point inside node_modules (the one the npm package's <c>azurite</c> bin runs).</summary>
    public string EntryPoint => Path.Combine(Directory, "node_modules", "azurite", "dist", "src", "azurite.js");

    /// <summary>The script preloaded into Azurite that ends it when the silo that started it is gone (exit-with-silo.cjs).</summary>
    public string SiloWatchdog => Path.Combine(Directory, "exit-with-silo.cjs");

    /// <summary>The repo's Silo.Launchers/Azurite when the repo is around (one install shared by every build), else the copy next to the dll.</summary>
    public static AzuritePackage Locate()
    {
        if (RepoRoot.Find() is { } root && File.Exists(Path.Combine(root, "Silo.Launchers", "Azurite", "package.json")))
        {
            return new AzuritePackage(Path.Combine(root, "Silo.Launchers", "Azurite"));
        }

        return new AzuritePackage(Path.Combine(AppContext.BaseDirectory, "Azurite"));
    }

    /// <summary>True when Azurite is installed.</summary>
    public bool IsInstalled => File.Exists(EntryPoint);

    /// <summary>Runs <c>npm ci</c> unless installed. npm's output is kept and shown only in the error when it fails.</summary>
    public async Task EnsureInstalledAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (IsInstalled) return;

        // Two silos (or a test fixture and a silo) may both find it missing; npm ci wipes node_modules first,
        // so the installs must not overlap. The second one waits, then finds it installed.
        await using var installLock = await AcquireLockAsync(timeout, cancellationToken);
        if (IsInstalled) return;

        var npm = OperatingSystem.IsWindows() ? "npm.cmd" : "npm";
        var start = new ProcessStartInfo(npm)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" }) start.ArgumentList.Add(arg);

        var output = new OutputTail();
        using var process = StartOrThrow(start, "npm (Node.js) is needed to install Azurite");
        output.Attach(process);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new AzuriteException($"npm ci in {Directory} did not finish within {timeout.TotalSeconds:0} s:{Environment.NewLine}{output}");
        }

        if (process.ExitCode != 0 || !IsInstalled)
        {
            throw new AzuriteException($"npm ci in {Directory} failed (exit code {process.ExitCode}):{Environment.NewLine}{output}");
        }
    }

    private async Task<FileStream> AcquireLockAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Directory, ".install.lock");
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
    }

    /// <summary>Starts a process, turning "no such program" into an <see cref="AzuriteException"/> that says what is missing.</summary>
    internal static Process StartOrThrow(ProcessStartInfo start, string hint)
    {
        try
        {
            return Process.Start(start) ?? throw new AzuriteException($"could not start {start.FileName}: {hint}");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new AzuriteException($"could not start {start.FileName} ({exception.Message}): {hint}");
        }
    }
}

/// <summary>Azurite could not be installed or started; the message says why.</summary>
public sealed class AzuriteException(string message) : Exception(message);
