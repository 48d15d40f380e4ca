namespace OrleansCoord.Client;

/// <summary>
/// Hears the Orleans client's gateway connections come and go. A gateway that goes usually means a silo died,
/// and with it, possibly, watch events in its stream queues: the watches resynchronise when this fires.
/// </summary>
public sealed class GridConnectionEvents : IClusterConnectionStatusObserver
{
    /// <summary>Raised when the number of connected gateways changes or the connection to the cluster is lost.</summary>
    public event Action? Changed;

    void IClusterConnectionStatusObserver.NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered) =>
        Changed?.Invoke();

    void IClusterConnectionStatusObserver.NotifyClusterConnectionLost() => Changed?.Invoke();
}
