using System.Globalization;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.LoadBalancing;

/// <summary>Where an instance's registered weight travels: the YARP destination's metadata.</summary>
internal static class DestinationWeights
{
    public const string MetadataKey = "weight";

    public static int Of(DestinationState destination) =>
        destination.Model?.Config.Metadata is { } metadata && metadata.TryGetValue(MetadataKey, out var text)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var weight) && weight > 0
            ? weight
            : 1;
}
