namespace OrleansCoord.Grains.Sessions;

/// <summary>A session as stored: its negotiated timeout and whether it is open or being closed.</summary>
internal sealed record SessionRecord(bool Closing, int TimeoutMs);
