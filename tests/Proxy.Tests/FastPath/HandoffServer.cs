using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansCoord.Proxy.FastPath.Handoff;
using OrleansCoord.Proxy.Hosting;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.FastPath;

/// <summary>
/// A real Kestrel listening on a <see cref="HandoffEndPoint"/> (with the proxy's socket settings) and on one socket port,
/// and the raw listening socket playing the fast path's public port in front of it. The app echoes each request as
/// "METHOD /path?query from ip:port body=..." (a body over 64 characters by its length) and WebSocket messages back; /abort aborts the connection.
/// </summary>
internal sealed class HandoffServer : IAsyncDisposable
{
    private readonly TaskCompletionSource<Exception> _bodyReadFailed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _connectionClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HandoffServer(RawAcceptListener publicPort) => PublicPort = publicPort;

    public WebApplication App { get; private set; } = null!;

    /// <summary>The first failure of the app's read of a request body (a client gone in the middle of one).</summary>
    public Task<Exception> BodyReadFailed => _bodyReadFailed.Task;

    /// <summary>
    /// Completes when the closed token of a connection whose request the app echoed fires (Kestrel cancels the
    /// request's <c>RequestAborted</c> from it).
    /// </summary>
    public Task ConnectionClosed => _connectionClosed.Task;

    /// <summary>Where clients connect; its connections are accepted as raw fds, as the fast path's event loop does.</summary>
    public RawAcceptListener PublicPort { get; }

    public IPEndPoint PublicEndPoint => PublicPort.EndPoint;

    public FastPathHandoff Handoff => App.Services.GetRequiredService<FastPathHandoff>();

    /// <summary>Built, not started: <see cref="StartAsync"/> binds the listener.</summary>
    public static HandoffServer Create(bool inlineIo = false)
    {
        var server = new HandoffServer(new RawAcceptListener());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddFastPathHandoff();
        // Longer than the tests' bound on a stop: a connection that does not close when Kestrel asks it to must show as a
        // hang, not be cut by the host's shutdown timeout (30 s by default), after which Kestrel aborts what is left.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromMinutes(5));
        builder.WebHost.UseInlineIo(inlineIo);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(new HandoffEndPoint(server.PublicEndPoint), listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Listen(IPAddress.Loopback, 0); // a port of Kestrel's socket transport, as the proxy's admin port
            // A stalled body must end because its connection's input ended, not because it was too slow.
            kestrel.Limits.MinRequestBodyDataRate = null;
        });
        server.App = builder.Build();
        server.App.UseWebSockets();
        server.App.Run(server.EchoAsync);
        return server;
    }

    public Task StartAsync() => App.StartAsync();

    /// <summary>A client connected to the public port.</summary>
    public Task<RawHttp> ConnectAsync() => RawHttp.ConnectAsync(PublicEndPoint.Port);

    /// <summary>
    /// Sends <paramref name="alreadyRead"/> from <paramref name="client"/>, accepts the connection and reads those bytes
    /// from it as the fast path would, and hands it over with them.
    /// </summary>
    public async Task<AcceptedConnection> HandOverAsync(RawHttp client, string alreadyRead)
    {
        await client.SendAsync(alreadyRead);
        var accepted = await PublicPort.AcceptAsync(alreadyRead.Length);
        Handoff.Hand(accepted.Socket, accepted.AlreadyRead);
        return accepted;
    }

    /// <summary>The addresses Kestrel reports: the handoff endpoint's and the socket port's.</summary>
    public IReadOnlyList<string> Addresses =>
        App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        PublicPort.Dispose();
    }

    private async Task EchoAsync(HttpContext context)
    {
        if (context.WebSockets.IsWebSocketRequest)
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[1024];
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", context.RequestAborted);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, context.RequestAborted);
            }
        }

        if (context.Request.Path == "/abort")
        {
            context.Abort();
            return;
        }

        context.Features.Get<IConnectionLifetimeFeature>()!.ConnectionClosed.Register(() => _connectionClosed.TrySetResult());
        string body;
        try
        {
            body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
        }
        catch (Exception exception)
        {
            _bodyReadFailed.TrySetResult(exception);
            throw;
        }

        var connection = context.Connection;
        await context.Response.WriteAsync(
            $"{context.Request.Method} {context.Request.Path}{context.Request.QueryString} from {connection.RemoteIpAddress}:{connection.RemotePort} body={(body.Length > 64 ? $"{body.Length} chars" : body)}");
    }
}
