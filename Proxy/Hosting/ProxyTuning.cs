using Microsoft.AspNetCore.Hosting;

namespace OrleansCoord.Proxy.Hosting;

/// <summary>
/// Process and Kestrel settings that make each proxied request cheaper. What each is worth is measured with
/// <c>bench/proxy.sh</c>; why, in docs/adr/011-proxy.md.
/// </summary>
internal static class ProxyTuning
{
    /// <summary>The runtime's switch that runs socket continuations on the epoll thread instead of the thread pool.</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// ASP.NET Core's per-request log category. While it is enabled at any level, hosting creates an Activity and a
    /// logging scope for every request (and YARP then writes a <c>traceparent</c> for it); it only logs request
    /// start and end (Information/Debug), which the proxy's access log covers.
    /// </summary>
    public const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>
    /// Turns on inline socket completions unless the operator has set <see cref="InlineCompletionsVariable"/>
    /// (any value but 1 turns inline I/O off). Must run before the process's first socket operation: the runtime
    /// reads the variable once. Returns whether I/O runs inline.
    /// </summary>
    /// <remarks>
    /// Inline, a request's client read, forwarding, upstream read and answer run on one epoll thread (one per core,
    /// as nginx runs one worker per core) without a thread-pool hop per socket event. Nothing on the proxy's request
    /// path blocks; code that did would stall every connection of its thread.
    /// </remarks>
    public static bool PreferInlineIo()
    {
        var value = Environment.GetEnvironmentVariable(InlineCompletionsVariable);
        if (value is null) Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        return value is null or "1";
    }

    /// <summary>
    /// Kestrel's half of inline I/O: request processing starts on the socket's thread too. And Kestrel reads a
    /// connection's bytes straight into a buffer instead of first waiting for them with a zero-byte read, which on
    /// Linux is one more syscall (a one-byte MSG_PEEK) for every request: measured with strace under wrk, 3.2 receives
    /// per request before, 2.4 after (when the fast path still read through Kestrel's transport). The cost: each idle
    /// connection holds one 4 KiB block of Kestrel's memory pool while it waits (40 MB for 10,000 idle keep-alive
    /// connections). Connections the fast path hands over get the same settings (Proxy.FastPath/Handoff).
    /// </summary>
    public static IWebHostBuilder UseInlineIo(this IWebHostBuilder webHost, bool inline) =>
        webHost.UseSockets(sockets =>
        {
            sockets.UnsafePreferInlineScheduling = inline;
            sockets.WaitForDataBeforeAllocatingBuffer = false;
        });
}
