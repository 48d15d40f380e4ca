using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansCoord.Grains.Storage.Records;

namespace OrleansCoord.Grains.Recipes.Records;

/// <summary>A recipe state with the number of commits its record has had (its regression-guard mark).</summary>
internal sealed record CountedState<TState>(TState State, long Commits);

/// <summary>
/// A recipe record's stored bytes: the state as JSON with its commit count in a <c>$commits</c> property (absent,
/// i.e. 0, in records written before it existed).
/// </summary>
internal sealed class RecipeRecordCodec<TState> : IRecordCodec<CountedState<TState>>
    where TState : class
{
    private const string CommitsProperty = "$commits";

    public static readonly RecipeRecordCodec<TState> Instance = new();

    public byte[] Encode(CountedState<TState> value)
    {
        var json = JsonSerializer.SerializeToNode(value.State)?.AsObject() ?? throw new InvalidDataException("a recipe state serialized to null");
        json[CommitsProperty] = value.Commits;
        return JsonSerializer.SerializeToUtf8Bytes(json);
    }

    public CountedState<TState> Decode(byte[] bytes)
    {
        var json = JsonNode.Parse(bytes)?.AsObject() ?? throw new InvalidDataException("empty recipe record");
        var commits = json.Remove(CommitsProperty, out var stored) && stored is not null ? stored.GetValue<long>() : 0;
        return new(json.Deserialize<TState>() ?? throw new InvalidDataException("empty recipe record"), commits);
    }
}
