namespace OrleansCoord.Proxy.Tests.Infrastructure;

/// <summary>
/// nginx (Debian's, on PATH) as a reverse proxy in front of one upstream, configured as bench/proxy.sh configures it
/// (HTTP/1.1 upstream with keepalive, <c>Connection ""</c>) plus <c>client_header_timeout</c>: the reference the
/// conformance cases are compared with. Its files live in a temporary folder that goes with it.
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly string _directory;

    private NginxProxy(ChildProcess process, string directory, int port) => (_process, _directory, Port) = (process, directory, port);

    public int Port { get; }

    /// <summary>nginx's version line (<c>nginx version: nginx/1.22.1</c>).</summary>
    public string Version { get; private set; } = "";

    public static bool Installed => Environment.GetEnvironmentVariable("PATH")?.Split(':').Any(dir => File.Exists(Path.Combine(dir, "nginx"))) == true
        || File.Exists("/usr/sbin/nginx");

    public static async Task<NginxProxy> StartAsync(int upstreamPort, TimeSpan headerTimeout)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"nginx-conformance-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var port = FreePorts.Pick(1)[0];
        var configuration = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(configuration, $$"""
            worker_processes 1;
            daemon off;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log info;
            events { worker_connections 1024; }
            http {
              access_log off;
              client_body_temp_path {{directory}}; proxy_temp_path {{directory}}; fastcgi_temp_path {{directory}}; uwsgi_temp_path {{directory}}; scgi_temp_path {{directory}};
              client_header_timeout {{(int)headerTimeout.TotalSeconds}}s;
              upstream rogue { server 127.0.0.1:{{upstreamPort}}; keepalive 16; }
              server {
                listen 127.0.0.1:{{port}};
                location / { proxy_pass http://rogue; proxy_http_version 1.1; proxy_set_header Connection ""; }
              }
            }
            """);
        var executable = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
        var process = ChildProcess.Start("nginx", executable, ["-e", Path.Combine(directory, "error.log"), "-p", directory, "-c", configuration]);
        var nginx = new NginxProxy(process, directory, port);
        try
        {
            await Poll.UntilAsync(async () =>
            {
                if (process.HasExited) throw new InvalidOperationException($"nginx exited:\n{process.Output}\n{nginx.ErrorLog}");
                try
                {
                    await using var connection = await RawHttp.ConnectAsync(port);
                    return true;
                }
                catch (System.Net.Sockets.SocketException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(30), () => $"nginx listens on {port}\n{nginx.ErrorLog}");
            using var version = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(executable, "-v") { RedirectStandardError = true })!;
            nginx.Version = (await version.StandardError.ReadToEndAsync()).Trim(); // "nginx version: nginx/1.22.1"
            await version.WaitForExitAsync();
            return nginx;
        }
        catch
        {
            await nginx.DisposeAsync();
            throw;
        }
    }

    public string ErrorLog => File.Exists(Path.Combine(_directory, "error.log")) ? File.ReadAllText(Path.Combine(_directory, "error.log")) : "";

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync(); // the whole tree: master and worker
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
