namespace OrleansCoord;

/// <summary>
/// Grain references by string key without Orleans' per-call type resolution. <c>GetGrain&lt;T&gt;(string)</c> resolves
/// the interface's grain type from its attributes by reflection on every call (Orleans 10.4 caches only the reference
/// activator); on the ZooKeeper port that is one resolution per request and one per parent lookup, a few percent of
/// the silo's CPU under load (docs/BENCHMARKS-HISTORY.md, ZooKeeper section), and the same in an SDK client per
/// request. This resolves it once per interface; silos, the SDK and the CLI use it.
/// </summary>
public static class GrainFactoryStringKeyExtensions
{
    /// <summary>Same as <see cref="IGrainFactory.GetGrain{TGrainInterface}(string, string?)"/> without a class prefix.</summary>
    public static T GetStringKeyGrain<T>(this IGrainFactory factory, string key) where T : IGrainWithStringKey
    {
        var (grainType, interfaceType) = Resolved<T>.Types ??= Resolve<T>(factory);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return (T)factory.GetGrain(GrainId.Create(grainType, key), interfaceType);
    }

    private static (GrainType, GrainInterfaceType) Resolve<T>(IGrainFactory factory) where T : IGrainWithStringKey
    {
        // The grain type and interface type depend only on T's attributes and the registered grain classes, which are
        // the same in every silo and client of a process; any key gives them.
        var reference = (GrainReference)(object)factory.GetGrain<T>("/");
        return (reference.GrainId.Type, reference.InterfaceType);
    }

    private static class Resolved<T>
    {
        public static (GrainType, GrainInterfaceType)? Types;
    }
}
