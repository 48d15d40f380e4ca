using OrleansCoord.Errors;

namespace OrleansCoord.Recipes;

/// <summary>
/// Names of counters, queues and barriers: non-empty, at most <see cref="MaxLength"/> characters, no control
/// characters (the name becomes part of a storage key). Errors name the object as <c>kind:name</c>.
/// </summary>
public static class RecipeNameRules
{
    public const int MaxLength = 256;

    /// <summary>Throws BadArguments unless <paramref name="name"/> is a valid name for a <paramref name="kind"/>.</summary>
    public static void Validate(string kind, string? name)
    {
        var error = name switch
        {
            null or "" => "name must not be empty",
            _ when string.IsNullOrWhiteSpace(name) => "name must not be blank",
            { Length: > MaxLength } => $"name longer than {MaxLength} characters",
            _ when name.Any(c => char.IsControl(c) || c is >= '\ufff0') => "name must not contain control characters",
            _ => null,
        };
        if (error is not null) throw CoordException.BadArguments(Subject(kind, name ?? ""), error);
    }

    /// <summary>How errors name a recipe object: <c>counter:hits</c>.</summary>
    public static string Subject(string kind, string name) => $"{kind}:{name}";
}
