using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace OrleansCoord.Proxy.Hosting;

/// <summary>Counts the connections of a Kestrel listener in <see cref="ClientConnections"/>.</summary>
internal static class ClientConnectionsListening
{
    /// <param name="admitted">The connections arrive admitted already (handed over by the fast path, which counted them in).</param>
    public static ListenOptions CountClientConnections(this ListenOptions listen, bool admitted = false)
    {
        var connections = listen.ApplicationServices.GetRequiredService<ClientConnections>();
        listen.Use(next => async context =>
        {
            if (admitted) connections.OpenAdmitted();
            else if (!connections.TryOpen()) return; // Kestrel closes a connection its middleware returns from

            try
            {
                await next(context);
            }
            finally
            {
                connections.Close();
            }
        });
        return listen;
    }
}
