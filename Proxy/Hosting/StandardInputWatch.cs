using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrleansCoord.Proxy.Hosting;

/// <summary>
/// Stops the proxy when its standard input reaches its end (<c>--stop-with-stdin true</c>). A silo that starts the proxy
/// keeps the other end of that pipe: when the silo ends in any way, the pipe closes, so the proxy does not outlive it.
/// </summary>
internal sealed partial class StandardInputWatch(IHostApplicationLifetime lifetime, ILogger<StandardInputWatch> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // A blocking read on a thread of its own: console streams have no truly asynchronous read.
        var thread = new Thread(() =>
        {
            using var input = Console.OpenStandardInput();
            var buffer = new byte[256];
            while (input.Read(buffer) > 0)
            {
            }

            LogInputClosed(logger);
            lifetime.StopApplication();
        })
        { IsBackground = true, Name = "stdin watch" };
        thread.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Standard input closed (the process that started the proxy is gone): stopping")]
    private static partial void LogInputClosed(ILogger logger);
}
