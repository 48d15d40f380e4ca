namespace OrleansCoord.Grains.Watches;

/// <summary>In a silo's services when <c>AddCoordWatchStreams</c> set up watch delivery: the silo publishes watch
/// events, and its front ends may subscribe to the watch shards.</summary>
public sealed class WatchDeliveryMarker;
