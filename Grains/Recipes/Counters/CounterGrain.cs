using Microsoft.Extensions.Logging;
using Orleans.Placement;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Recipes.Records;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Recipes;
using OrleansCoord.Recipes.Counters;

namespace OrleansCoord.Grains.Recipes.Counters;

/// <summary>
/// A counter: one record (<c>rc:</c> + name) in the tree store, replaced conditionally for every change before the
/// change is acknowledged. Not reentrant: changes apply one at a time, in arrival order.
/// </summary>
[GrainType("recipe-counter")]
[RandomPlacement]
internal sealed class CounterGrain(ITreeStore store, StorageRegressionGuard regression, ILogger<CounterGrain> logger) : Grain, ICounterGrain
{
    public const string KeyPrefix = "rc:";
    private RecipeRecord<CounterState> _record = null!;
    private string _subject = "";

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var name = this.GetPrimaryKeyString();
        _subject = RecipeNameRules.Subject("counter", name);
        _record = new RecipeRecord<CounterState>(store, KeyPrefix + name, _subject, DeactivateOnIdle, regression, logger);
        return Task.CompletedTask;
    }

    public async Task<long> Get()
    {
        Validate();
        return (await _record.LoadAsync())?.Value ?? 0;
    }

    public async Task<long> Add(Guid requestId, long delta)
    {
        Validate();
        var current = await _record.LoadAsync();
        var value = current?.Value ?? 0;
        long next;
        try
        {
            next = checked(value + delta);
        }
        catch (OverflowException)
        {
            throw CoordException.BadArguments(_subject, $"adding {delta} to {value} overflows a 64-bit counter");
        }

        return (await DecideAsync(requestId, current, next, new CounterCasResult(true, next))).Value;
    }

    public async Task<CounterCasResult> CompareAndSet(Guid requestId, long expected, long newValue)
    {
        Validate();
        var current = await _record.LoadAsync();
        var value = current?.Value ?? 0;
        if (value != expected) return new CounterCasResult(false, value);
        return await DecideAsync(requestId, current, newValue, new CounterCasResult(true, newValue));
    }

    private async Task<CounterCasResult> DecideAsync(Guid requestId, CounterState? current, long next, CounterCasResult outcome)
    {
        var state = new CounterState(next, RecentRequests.With(current?.Recent, requestId, outcome));
        if (await _record.CommitAsync(state) is not { } conflict) return outcome;
        return RecentRequests.Find(conflict.Current?.Recent, requestId)?.Outcome ?? throw _record.ConflictError(conflict);
    }

    private void Validate() => RecipeNameRules.Validate("counter", this.GetPrimaryKeyString());
}
