using OrleansCoord.Errors;

namespace OrleansCoord.Recipes;

/// <summary>Bounds and name rules of the recipes, checked by the SDK and again by the grains.</summary>
public static class RecipeLimits
{
    /// <summary>Longest wait of one poll: well under an Orleans response timeout (8 s in tests, 30 s by default).</summary>
    public const int MaxWaitMs = 4_000;

    /// <summary>A waiter that has not polled for this long is gone (its client stopped without cancelling).</summary>
    public const int AbandonedWaiterMs = 15_000;

    /// <summary>Longest recipe name, in characters (names end up in storage keys).</summary>
    public const int MaxNameLength = 256;

    /// <summary>Longest holder name or candidate id.</summary>
    public const int MaxHolderLength = 256;

    /// <summary>Most leases a semaphore may have.</summary>
    public const int MaxSemaphoreLeases = 10_000;

    /// <summary>The grain key of a recipe: its kind and its name.</summary>
    public static string GrainKey(LeaseKind kind, string name)
    {
        ValidateName(name);
        return kind + ":" + name;
    }

    /// <summary>Throws BadArguments unless <paramref name="name"/> is a usable recipe name.</summary>
    public static void ValidateName(string? name) => ValidateText(name, "name", MaxNameLength);

    /// <summary>Throws BadArguments unless <paramref name="holder"/> is a usable holder or candidate id.</summary>
    public static void ValidateHolder(string? holder, bool allowEmpty) =>
        ValidateText(holder, "holder", MaxHolderLength, allowEmpty);

    /// <summary>Throws BadArguments unless <paramref name="timeout"/> is zero or positive (or infinite).</summary>
    public static void ValidateTimeout(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw CoordException.BadArguments(null, $"timeout must not be negative, got {timeout}");
        }
    }

    private static void ValidateText(string? text, string what, int maxLength, bool allowEmpty = false)
    {
        if (text is null || (text.Length == 0 && !allowEmpty)) throw CoordException.BadArguments(text, $"{what} must not be empty");
        if (text.Length > maxLength) throw CoordException.BadArguments(text[..32] + "...", $"{what} longer than {maxLength} characters");
        if (text.Any(char.IsControl)) throw CoordException.BadArguments(text, $"{what} must not contain control characters");
    }
}
