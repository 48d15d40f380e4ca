namespace OrleansCoord.ZooKeeper.Server.Jute;

/// <summary>A packet that does not decode as the jute record it claims to be (too short, a negative length, ...).</summary>
internal sealed class JuteFormatException(string message) : Exception(message);
