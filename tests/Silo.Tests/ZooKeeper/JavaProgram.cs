using System.Diagnostics;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>
/// A small Java program kept as source in the test project (ZooKeeper/java), compiled at test time with the JDK's
/// javac against Debian's ZooKeeper Java client and Curator (libzookeeper-java, libcurator-*-java, with
/// libcurator-discovery-java and its Jackson), and started with
/// java. A temp directory holds the classes and is deleted on dispose.
/// </summary>
internal sealed class JavaProgram : IDisposable
{
    private const string JavaDir = "/usr/share/java";

    /// <summary>The client's jars and what they need at run time (logging goes to stderr through slf4j-simple).</summary>
    private static readonly string[] Jars =
    [
        "zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "slf4j-simple.jar", "metrics-core.jar", "snappy-java.jar",
        "commons-io.jar", "netty-handler.jar", "netty-common.jar", "netty-buffer.jar", "netty-transport.jar", "netty-codec.jar",
        "netty-resolver.jar", "netty-transport-native-epoll.jar", "netty-transport-native-unix-common.jar",
        "curator-client.jar", "curator-framework.jar", "curator-recipes.jar", "guava.jar",
        "curator-x-discovery.jar", "jackson-databind.jar", "jackson-core.jar", "jackson-annotations.jar",
    ];

    private readonly string _classes = Directory.CreateTempSubdirectory("zk-java-").FullName;

    private JavaProgram(string mainClass) => MainClass = mainClass;

    public string MainClass { get; }

    private static string ClassPath(string? classes) =>
        string.Join(':', Jars.Select(j => Path.Combine(JavaDir, j)).Prepend(classes).OfType<string>());

    /// <summary>Compiles ZooKeeper/java/<paramref name="mainClass"/>.java; fails the test with javac's output if it does not compile.</summary>
    public static async Task<JavaProgram> CompileAsync(string mainClass)
    {
        ExternalTool.Require("/usr/bin/javac", "default-jdk-headless");
        ExternalTool.Require(Path.Combine(JavaDir, "zookeeper.jar"), "libzookeeper-java");
        ExternalTool.Require(Path.Combine(JavaDir, "curator-recipes.jar"), "libcurator-recipes-java");
        ExternalTool.Require(Path.Combine(JavaDir, "curator-x-discovery.jar"), "libcurator-discovery-java");
        var program = new JavaProgram(mainClass);
        var source = Path.Combine(AppContext.BaseDirectory, "ZooKeeper", "java", mainClass + ".java");
        var (exit, output) = await ExternalTool.RunAsync(
            ExternalTool.StartInfo("/usr/bin/javac", "-nowarn", "-d", program._classes, "-cp", ClassPath(null), source), "", TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, $"javac {source} failed:\n{output}");
        return program;
    }

    /// <summary>Starts the program with <paramref name="arguments"/>; stdin/stdout/stderr redirected.</summary>
    public Process Start(params string[] arguments) =>
        Process.Start(ExternalTool.StartInfo("/usr/bin/java", ["-cp", ClassPath(_classes), MainClass, .. arguments]))!;

    public void Dispose() => Directory.Delete(_classes, recursive: true);
}
