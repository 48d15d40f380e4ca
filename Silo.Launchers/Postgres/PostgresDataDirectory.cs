using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace OrleansCoord.Silo.Launchers.Postgres;

/// <summary>Makes the embedded server's cluster with initdb on first use: user <c>orleanscoord</c> with the default
/// password on TCP, UTF-8, the C locale (the tree's keys compare by bytes anyway). fsync stays on.</summary>
internal static partial class PostgresDataDirectory
{
    public static async Task EnsureInitializedAsync(string bin, string dataDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION"))) return;

        Directory.CreateDirectory(dataDirectory);
        var passwordFile = Path.Combine(Path.GetTempPath(), $"orleanscoord-pg-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(passwordFile, EmbeddedPostgres.Password, cancellationToken);
        try
        {
            if (PostgresInstallation.RunsAsOtherUser)
            {
                // The server's user must own its data folder (initdb refuses others) and read the password file.
                await RunAsync(["chown", "-R", "postgres:postgres", dataDirectory], cancellationToken);
                await RunAsync(["chown", "postgres:postgres", passwordFile], cancellationToken);
            }

            LogInitializing(logger, dataDirectory);
            await RunAsync(PostgresInstallation.AsServerUser(
            [
                Path.Combine(bin, "initdb"), "-D", dataDirectory, "-U", EmbeddedPostgres.User, $"--pwfile={passwordFile}",
                "--auth-host=scram-sha-256", "--auth-local=peer", "-E", "UTF8", "--locale=C",
            ]), cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static async Task RunAsync(IEnumerable<string> command, CancellationToken cancellationToken)
    {
        var list = command.ToList();
        var start = new ProcessStartInfo(list[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in list.Skip(1)) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new PostgresLaunchException($"could not start {list[0]}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new PostgresLaunchException($"{Path.GetFileName(list.First(a => !a.StartsWith('-') && a != "setpriv"))} failed " +
                $"(exit code {process.ExitCode}): {(await stderr).Trim()} {(await stdout).Trim()}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Creating a PostgreSQL cluster in {DataDirectory} (first use)")]
    private static partial void LogInitializing(ILogger logger, string dataDirectory);
}
