namespace OrleansCoord.AdminAccess;

/// <summary>How an admin HTTP port is to be exposed, as its host read it from configuration.</summary>
public sealed class AdminPortSettings
{
    /// <summary>The address to listen on. <value>null: loopback only (127.0.0.1 and ::1)</value></summary>
    public string? ListenAddress { get; set; }

    /// <summary>PEM bundle of the CAs whose client certificates open the port. <value>null: no client certificates</value></summary>
    public string? ClientCaPath { get; set; }

    /// <summary>The one HTTP Basic user. <value>null: no Basic authentication</value></summary>
    public string? User { get; set; }

    /// <summary>That user's <see cref="AdminAccess.PasswordHash"/> in its stored form.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>Serve plain HTTP beyond loopback: for a TLS terminator of the operator's own in front. Loudly logged.
    /// <value>false</value></summary>
    public bool Insecure { get; set; }
}

/// <summary>The host's names for the settings, so that every message names the flag the operator types.</summary>
public sealed record AdminPortFlags(string Port, string Listen, string Certificate, string ClientCa, string User, string PasswordHash, string Insecure);
