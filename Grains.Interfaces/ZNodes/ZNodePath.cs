using OrleansCoord.Errors;

namespace OrleansCoord.ZNodes;

/// <summary>ZooKeeper's path rules, and the helpers that split and join paths.</summary>
public static class ZNodePath
{
    public const string Root = "/";

    /// <summary>The subtree reserved for the grid itself, as in ZooKeeper; clients cannot write there.</summary>
    public const string Reserved = "/zookeeper";

    /// <summary>Longest path accepted, in characters (storage keys are bounded).</summary>
    public const int MaxLength = 800;

    /// <summary>Throws <see cref="CoordErrorCode.BadArguments"/> unless <paramref name="path"/> is a valid znode path.</summary>
    /// <param name="path">The path to check.</param>
    /// <param name="sequential">A sequential create may end in <c>/</c>: the counter becomes the whole name.</param>
    public static void Validate(string? path, bool sequential = false)
    {
        var error = Check(path, sequential);
        if (error is not null)
        {
            throw CoordException.BadArguments(path ?? "<null>", error);
        }
    }

    /// <summary>Returns why <paramref name="path"/> is invalid, or null when it is valid.</summary>
    public static string? Check(string? path, bool sequential = false)
    {
        if (string.IsNullOrEmpty(path)) return "path must not be empty";
        if (path[0] != '/') return "path must start with /";
        if (path.Length > MaxLength) return $"path longer than {MaxLength} characters";
        if (path.Length == 1) return sequential ? "sequential create needs a parent" : null;
        if (path[^1] == '/' && !sequential) return "path must not end with /";

        var segmentStart = 1;
        for (var i = 1; i <= path.Length; i++)
        {
            if (i < path.Length && path[i] != '/')
            {
                var c = path[i];
                if (c == '\0') return $"null character at {i}";
                if (c is > '\u0000' and <= '\u001f' or >= '\u007f' and <= '\u009f'
                    || c is >= '\ufff0' and <= '\uffff')
                    return $"invalid character \\u{(int)c:x4} at {i}";
                continue;
            }

            var length = i - segmentStart;
            var isLast = i == path.Length;
            if (length == 0 && !(isLast && sequential)) return $"empty segment at {i}";
            var segment = path.AsSpan(segmentStart, length);
            if (!(isLast && sequential) && (segment is "." || segment is ".."))
                return $"relative segment '{segment}' at {segmentStart}";
            segmentStart = i + 1;
        }

        return null;
    }

    /// <summary>Throws BadArguments unless <paramref name="name"/> is one valid path segment (a child's name).</summary>
    public static void ValidateName(string parent, string? name, bool sequential = false)
    {
        if (name is null || name.Contains('/') || (name.Length == 0 && !sequential))
            throw CoordException.BadArguments(parent, $"'{name}' is not a child name");
        Validate(Combine(parent, name), sequential);
    }

    /// <summary>The parent of a valid non-root path (<c>/a/b</c> → <c>/a</c>, <c>/a</c> → <c>/</c>).</summary>
    public static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? Root : path[..slash];
    }

    /// <summary>A valid path and every path above it, nearest first: <c>/a/b</c>, <c>/a</c>, <c>/</c>.</summary>
    public static IEnumerable<string> SelfAndAncestors(string path)
    {
        yield return path;
        for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1)) yield return path[..slash];
        if (path != Root) yield return Root;
    }

    /// <summary>The last segment of a valid non-root path.</summary>
    public static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];

    public static string Combine(string parent, string name) =>
        parent == Root ? "/" + name : parent + "/" + name;

    /// <summary>True for <c>/zookeeper</c> and everything under it.</summary>
    public static bool IsReserved(string path) =>
        path.StartsWith(Reserved, StringComparison.Ordinal)
        && (path.Length == Reserved.Length || path[Reserved.Length] == '/');

    /// <summary>The name of a sequential node: the prefix and a 10-digit zero-padded counter.</summary>
    public static string SequentialName(string prefix, long counter) =>
        prefix + counter.ToString("D10", System.Globalization.CultureInfo.InvariantCulture);
}
