namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>Freezes the run's own Azurite (SIGSTOP) for 1–3 s: every storage request hangs, then goes on.</summary>
public sealed class StorageFreezeFault : IFault
{
    public async Task RunAsync(ChaosContext context)
    {
        var pause = TimeSpan.FromMilliseconds(1000 + context.Random.Next(2000));
        context.Log.Note($"freezing Azurite for {pause.TotalMilliseconds:0} ms");
        context.Azurite.Freeze();
        try
        {
            await Task.Delay(pause);
        }
        finally
        {
            context.Azurite.Thaw();
            context.Log.Note("Azurite thawed");
        }
    }
}
