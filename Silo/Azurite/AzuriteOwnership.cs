using System.Globalization;

namespace OrleansCoord.Silo.Azurite;

/// <summary>
/// Which Azurite a silo started on a data folder, and which silo: a file beside Azurite's data, so that a silo started
/// again after its predecessor died can tell that predecessor's Azurite (still saving its tables on the way out,
/// exit-with-silo.cjs) from one that a live silo shares.
/// </summary>
/// <remarks>
/// A silo must not use that ending Azurite (what it accepts after its final save is lost when it exits), nor start
/// its own on the folder before it has exited (the new one would load the tables from before that final save): it
/// waits. Pids are checked with their start times, so a reused pid is not mistaken for them.
/// </remarks>
internal sealed record AzuriteOwnership(int AzuritePid, long AzuriteStart, int SiloPid, long SiloStart)
{
    private const string FileName = "azurite-owner";

    /// <summary>True while the Azurite named here runs.</summary>
    public bool AzuriteRuns => LinuxProcesses.StartTime(AzuritePid) == AzuriteStart;

    /// <summary>True while the silo that started it runs.</summary>
    public bool SiloRuns => LinuxProcesses.StartTime(SiloPid) == SiloStart;

    /// <summary>Records that this process started the Azurite with pid <paramref name="azuritePid"/> on <paramref name="dataDirectory"/>.</summary>
    public static void Write(string dataDirectory, int azuritePid)
    {
        var self = Environment.ProcessId;
        if (LinuxProcesses.StartTime(azuritePid) is not { } azuriteStart || LinuxProcesses.StartTime(self) is not { } selfStart) return;
        var path = Path.Combine(dataDirectory, FileName);
        File.WriteAllText(path + ".tmp", string.Join(' ', azuritePid, azuriteStart, self, selfStart));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The record on <paramref name="dataDirectory"/>, or null when there is none (or it cannot be read).</summary>
    public static AzuriteOwnership? Read(string dataDirectory)
    {
        try
        {
            var parts = File.ReadAllText(Path.Combine(dataDirectory, FileName)).Split(' ');
            return parts.Length == 4
                ? new(Int(parts[0]), Long(parts[1]), Int(parts[2]), Long(parts[3]))
                : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>Removes the record (after the Azurite it names has stopped).</summary>
    public static void Remove(string dataDirectory)
    {
        try { File.Delete(Path.Combine(dataDirectory, FileName)); }
        catch (IOException) { /* The folder is gone: so is the record. */ }
    }

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static long Long(string text) => long.Parse(text, CultureInfo.InvariantCulture);
}
