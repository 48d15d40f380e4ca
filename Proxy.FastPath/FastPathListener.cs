using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using OrleansCoord.Proxy.FastPath.Loop;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>
/// The main port: accepts client connections and gives them in turn to the event loops, one per core, where the fast
/// path serves them (<see cref="FastPathConnection"/>); so does the HTTPS port, when there is one, its connections ending
/// TLS on their loop first (<see cref="TlsOptions"/>). On stop, it stops accepting, lets connections finish the
/// answer in progress (idle ones close at once) until the host's shutdown time is up, then cuts off the rest.
/// </summary>
internal sealed class FastPathListener(FastPathServices services, FastPathOptions options, ILogger<FastPathListener> logger) : IHostedService
{
    /// <summary>Whether this platform has what the loops use (Linux, x64 or arm64); elsewhere Kestrel serves the main port.</summary>
    public static bool Supported => LinuxSockets.Supported;

    private Socket? _listener;
    private Socket? _httpsListener;
    private EventLoop[] _loops = [];
    private Task _accepting = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var address = IPAddress.Parse(options.ListenAddress);
        var listener = Bind(new IPEndPoint(address, options.Port), "http");
        Socket? httpsListener = null;
        if (options.HttpsPort != 0)
        {
            try
            {
                httpsListener = Bind(new IPEndPoint(address, options.HttpsPort), "https");
            }
            catch (IOException)
            {
                listener.Dispose();
                throw;
            }
        }

        _listener = listener;
        _httpsListener = httpsListener;
        _loops = [.. Enumerable.Range(0, options.LoopCount).Select(i => new EventLoop(i, logger))];
        foreach (var loop in _loops) loop.Start();
        _accepting = httpsListener is null ? AcceptAsync(listener, null) : Task.WhenAll(AcceptAsync(listener, null), AcceptAsync(httpsListener, TlsOptions(options)));
        return Task.CompletedTask;
    }

    private static Socket Bind(IPEndPoint endpoint, string scheme)
    {
        var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true); // as Kestrel: restart while old connections linger
            if (endpoint.Address.Equals(IPAddress.IPv6Any)) listener.DualMode = true; // "::" takes IPv4 clients too, as with Kestrel
            listener.Bind(endpoint);
            listener.Listen(512);
            return listener;
        }
        catch (SocketException exception)
        {
            listener.Dispose();
            throw new IOException($"Failed to bind to address {scheme}://{endpoint}: {exception.Message}", exception); // Program reports it in one line
        }
    }

    /// <summary>
    /// The HTTPS port's TLS, as Kestrel's HTTPS middleware sets it for this port (Proxy/Hosting/SecondaryListeners.cs
    /// had Kestrel serve it): the certificate with its chain context, ALPN offering h2 then http/1.1 (HTTP/2 connections
    /// are handed to Kestrel), the platform's protocol versions, no client certificate, no renegotiation.
    /// </summary>
    public static SslServerAuthenticationOptions TlsOptions(FastPathOptions options) => new()
    {
        ServerCertificateContext = SslStreamCertificateContext.Create(options.Certificate ?? throw new InvalidOperationException("the HTTPS port needs its certificate"), additionalCertificates: null),
        ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
        ClientCertificateRequired = false,
        AllowRenegotiation = false,
    };

    private async Task AcceptAsync(Socket listener, SslServerAuthenticationOptions? tls)
    {
        var next = 0;
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync();
            }
            catch (Exception exception) when (exception is ObjectDisposedException or SocketException { SocketErrorCode: SocketError.OperationAborted })
            {
                return; // stopped
            }
            catch (SocketException exception)
            {
                logger.LogWarning("Accepting a connection failed: {Error}", exception.Message); // e.g. out of descriptors; go on
                await Task.Delay(10);
                continue;
            }

            if (!services.Connections.TryOpen())
            {
                client.Dispose(); // --max-connections reached
                continue;
            }

            try
            {
                client.NoDelay = true;
                client.Blocking = false;
            }
            catch (SocketException)
            {
                client.Dispose(); // gone already
                services.Connections.Close();
                continue;
            }

            var loop = _loops[next];
            next = (next + 1) % _loops.Length;
            loop.Post(static state =>
            {
                var (services, loop, client, tls) = ((FastPathServices, EventLoop, Socket, SslServerAuthenticationOptions?))state!;
                Serve(services, loop, client, tls);
            }, (services, loop, client, tls));
        }
    }

    private static void Serve(FastPathServices services, EventLoop loop, Socket client, SslServerAuthenticationOptions? tls)
    {
        LoopSocket socket;
        IPEndPoint? remote;
        try
        {
            remote = client.RemoteEndPoint as IPEndPoint;
            socket = new LoopSocket(loop, (int)client.SafeHandle.DangerousGetHandle(), client);
        }
        catch (SocketException)
        {
            client.Dispose();
            services.Connections.Close();
            return;
        }

        _ = new FastPathConnection(socket, remote, services, tls).RunAsync();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _listener?.Dispose();
        _httpsListener?.Dispose();
        await _accepting;
        foreach (var loop in _loops) loop.Post(static state => ((EventLoop)state!).ForEachConnection(static (c, _) => c.Drain(), 0), loop);
        while (_loops.Any(loop => loop.ConnectionCount > 0) && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None);
        }

        foreach (var loop in _loops)
        {
            loop.Post(static state => ((EventLoop)state!).ForEachConnection(static (c, _) => c.Abort(), 0), loop);
            loop.Stop();
        }

        foreach (var loop in _loops)
        {
            loop.Join(TimeSpan.FromSeconds(5));
            loop.Dispose();
        }
    }
}
