using OrleansCoord.Silo.Launchers.Processes;

namespace OrleansCoord.Silo.ProxyStart;

/// <summary>
/// What the silo does to a proxy that need not be its child (it may have adopted one a dead silo started): asks its
/// admin port whether it answers, and stops it by pid, checking the /proc start time so a reused pid is never signalled.
/// </summary>
internal static class DetachedProxy
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>True when <c>/healthz</c> on the admin port says ok within <paramref name="within"/> (a busy proxy gets a few tries).</summary>
    public static async Task<bool> AnswersAsync(int adminPort, TimeSpan within, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + within;
        do
        {
            try
            {
                using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{adminPort}/healthz"), cancellationToken);
                if (response.IsSuccessStatusCode) return true;
            }
            catch (HttpRequestException) { /* Not listening (yet). */ }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested) { /* Slow; ask again. */ }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
        while (DateTime.UtcNow < deadline);

        return false;
    }

    /// <summary>SIGTERM, wait up to <paramref name="grace"/> for it to go, then SIGKILL. True when it went on its own.</summary>
    public static async Task<bool> StopAsync(int pid, long startTime, TimeSpan grace)
    {
        if (LinuxProcesses.StartTime(pid) != startTime || !ProcessSignals.Send(pid, ProcessSignals.SigTerm)) return true;
        if (await GoneAsync(pid, startTime, grace)) return true;
        ProcessSignals.Send(pid, ProcessSignals.SigKill);
        await GoneAsync(pid, startTime, TimeSpan.FromSeconds(5));
        return false;
    }

    // Polled: the proxy need not be this process's child, so there is no exit event to wait for.
    private static async Task<bool> GoneAsync(int pid, long startTime, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (LinuxProcesses.StartTime(pid) == startTime)
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        return true;
    }
}
