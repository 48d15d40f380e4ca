using System.Reflection;

namespace OrleansCoord.Cli.Tests.Infrastructure;

/// <summary>Where the built executables are: recorded at build time, overridable by environment for other layouts.</summary>
internal static class BuildOutputs
{
    /// <summary>The built <c>coord.dll</c> (env <c>COORD_CLI_DLL</c> overrides).</summary>
    public static string CoordDll => Locate("CoordDll", "COORD_CLI_DLL");

    /// <summary>The built silo host (env <c>COORD_SILO_DLL</c> overrides).</summary>
    public static string SiloDll => Locate("SiloDll", "COORD_SILO_DLL");

    /// <summary>The README's SDK example, built (env <c>COORD_QUICKSTART_DLL</c> overrides).</summary>
    public static string QuickStartDll => Locate("QuickStartDll", "COORD_QUICKSTART_DLL");

    private static string Locate(string key, string variable)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(variable);
        var path = fromEnvironment is { Length: > 0 }
            ? fromEnvironment
            : typeof(BuildOutputs).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"{key} not found at {path}. Build the solution first (dotnet build OrleansCoord.sln), or set {variable}.", path);
        }

        return path;
    }
}
