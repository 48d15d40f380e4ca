using System.Collections.Concurrent;
using System.Reflection;

namespace OrleansCoord.Grains.InternalCalls;

/// <summary>
/// Marks a grain interface that only the grid's own silos may call (docs/adr/013-identities.md): its methods
/// skip the checks a client call gets (ACLs, session credentials), so a call from outside the cluster is refused by
/// <see cref="InternalCallGuard"/>. This attribute is the one list of internal interfaces.
/// </summary>
[AttributeUsage(AttributeTargets.Interface, Inherited = false)]
public sealed class GridInternalAttribute : Attribute
{
    private static readonly ConcurrentDictionary<Type, bool> Marked = new();

    /// <summary>Whether <paramref name="method"/> belongs to an internal interface (an interface deriving from one included).</summary>
    public static bool IsInternal(MethodInfo? method) =>
        method?.DeclaringType is { } type && Marked.GetOrAdd(type, static t =>
            t.IsDefined(typeof(GridInternalAttribute), false)
            || t.GetInterfaces().Any(i => i.IsDefined(typeof(GridInternalAttribute), false)));
}
