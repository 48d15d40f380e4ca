using System.Runtime.InteropServices;

namespace OrleansCoord.Silo.Launchers.Postgres;

/// <summary>Where Debian's <c>postgresql</c> package put its server binaries, and whether they must run as another user.</summary>
internal static class PostgresInstallation
{
    private const string Root = "/usr/lib/postgresql";

    /// <summary>The newest <c>/usr/lib/postgresql/N/bin</c> that holds <c>postgres</c> and <c>initdb</c>.</summary>
    /// <exception cref="PostgresNotInstalledException">There is none.</exception>
    public static string BinDirectory() => BinDirectory(Root);

    /// <summary>As <see cref="BinDirectory()"/>, under another root (tests).</summary>
    internal static string BinDirectory(string root) =>
        (Directory.Exists(root) ? Directory.GetDirectories(root) : [])
            .Select(d => (Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0, Bin: Path.Combine(d, "bin")))
            .Where(d => File.Exists(Path.Combine(d.Bin, "postgres")) && File.Exists(Path.Combine(d.Bin, "initdb")))
            .OrderByDescending(d => d.Version)
            .Select(d => d.Bin)
            .FirstOrDefault()
        ?? throw new PostgresNotInstalledException(
            $"PostgreSQL is not installed (no {root}/*/bin/postgres): apt-get install postgresql, or give --connection-string");

    /// <summary>initdb and postgres refuse to run as root: then they run as the <c>postgres</c> user the package created.</summary>
    public static bool RunsAsOtherUser => OperatingSystem.IsLinux() && GetEuid() == 0;

    /// <summary>The command line that runs <paramref name="command"/> as the server's user (setpriv execs in place).</summary>
    public static IEnumerable<string> AsServerUser(IEnumerable<string> command) =>
        RunsAsOtherUser ? ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--", .. command] : command;

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEuid();
}

/// <summary>The silo was asked to start PostgreSQL but it is not installed: a usage problem (exit code 2), not a crash.</summary>
public sealed class PostgresNotInstalledException(string message) : Exception(message);

/// <summary>PostgreSQL could not be started or used; the message says why.</summary>
public sealed class PostgresLaunchException(string message, Exception? inner = null) : Exception(message, inner);
