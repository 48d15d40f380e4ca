namespace OrleansCoord.SessionLayer;

/// <summary>One grain call of a request, sent again on each attempt (<see cref="GridCalls"/>). Implemented by small
/// structs, so that a request needs no closure; <see cref="Answered"/> sees the one result that is returned.</summary>
public interface IGridCall<T>
{
    /// <summary>Sends the call once.</summary>
    Task<T> Send();

    /// <summary>The attempt that answered: what the session learns from it (the revision it has seen).</summary>
    void Answered(T result);
}

/// <summary>A call given as a delegate, for calls that are not znode operations (sessions, recipes, identities).</summary>
public readonly struct DelegateCall<T>(Func<Task<T>> send) : IGridCall<T>
{
    public Task<T> Send() => send();

    public void Answered(T result)
    {
    }
}
