using System.Reflection;

namespace OrleansCoord.Proxy.Tests.Infrastructure;

/// <summary>Where the built silo and proxy are, as recorded at build time.</summary>
internal static class BuildOutputs
{
    public static string SiloDll => Locate("SiloDll");

    public static string ProxyDll => Locate("ProxyDll");

    public static string CoordDll => Locate("CoordDll");

    public static string UpstreamScript => Path.Combine(AppContext.BaseDirectory, "Upstream", "upstream.py");

    public static string RogueScript => Path.Combine(AppContext.BaseDirectory, "Upstream", "rogue.py");

    private static string Locate(string key)
    {
        var path = typeof(BuildOutputs).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
        return File.Exists(path) ? path : throw new FileNotFoundException($"{key} not found at {path}; build the solution first", path);
    }
}
