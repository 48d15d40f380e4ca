namespace OrleansCoord.Silo.Launchers;

/// <summary>Finds the repository root: the nearest folder, upwards, that holds OrleansCoord.sln.</summary>
internal static class RepoRoot
{
    private const string Marker = "OrleansCoord.sln";

    /// <summary>The repo root above the current directory, else above the app's own folder, else null.</summary>
    /// <remarks>The app folder is tried too because tests and scripts start the built dll from anywhere.</remarks>
    public static string? Find() =>
        FindAbove(Directory.GetCurrentDirectory()) ?? FindAbove(AppContext.BaseDirectory);

    /// <summary>The repo root, or the current directory when there is none.</summary>
    public static string FindOrCurrent() => Find() ?? Directory.GetCurrentDirectory();

    private static string? FindAbove(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, Marker))) return dir.FullName;
        }

        return null;
    }
}
