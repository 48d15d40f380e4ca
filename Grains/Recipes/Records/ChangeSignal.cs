namespace OrleansCoord.Grains.Recipes.Records;

/// <summary>Wakes the waits of one grain activation when its state changes (a put, a release, a round that ends).</summary>
internal sealed class ChangeSignal
{
    private TaskCompletionSource _changed = New();

    /// <summary>Completes at the next <see cref="Raise"/>; take it before checking the state, so no change is missed.</summary>
    public Task Next => _changed.Task;

    public void Raise()
    {
        var changed = _changed;
        _changed = New();
        changed.TrySetResult();
    }

    /// <summary>Waits for <paramref name="next"/> or <paramref name="delay"/>, whichever comes first.</summary>
    public static Task WaitAsync(Task next, TimeSpan delay, TimeProvider time) =>
        delay <= TimeSpan.Zero ? Task.CompletedTask : Task.WhenAny(next, Task.Delay(delay, time));

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
