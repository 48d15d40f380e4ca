namespace OrleansCoord.Silo.Tests.ZooKeeper.Tls;

/// <summary>
/// The oracle for x509 ids: Java's own <c>X500Principal.getName()</c>, which ZooKeeper's X509AuthenticationProvider
/// uses, run through ZooKeeper/java/PrintSubject.java (Java's source launcher, no javac step).
/// </summary>
internal static class JavaSubjects
{
    /// <summary>One subject per PEM file, in order.</summary>
    public static async Task<string[]> OfAsync(params string[] pemFiles)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "ZooKeeper", "java", "PrintSubject.java");
        var (exit, output) = await ExternalTool.RunAsync(ExternalTool.StartInfo("/usr/bin/java", [source, .. pemFiles]), "", TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, $"PrintSubject failed:\n{output}");
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
        Assert.True(lines.Length >= pemFiles.Length, output);
        return lines[..pemFiles.Length];
    }
}
