namespace OrleansCoord.Storage.Postgres.Clustering;

/// <summary>
/// The query texts Orleans' ADO.NET clustering looks up by key in <c>OrleansQuery</c>. Orleans binds parameters by
/// name (<c>@DeploymentId</c>, <c>@Address</c>, <c>@Port</c>, <c>@Generation</c>, <c>@Version</c>, …) and reads
/// result columns by name; the "single boolean" queries return one integer column, non-zero for success.
/// </summary>
internal static class PostgresClusteringQueries
{
    private const string Member = "DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation";

    private const string MemberColumns = """
        v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
        m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
        """;

    public static readonly (string Key, string Text)[] All =
    [
        ("UpdateIAmAlivetimeKey", $"UPDATE OrleansMembershipTable SET IAmAliveTime = @IAmAliveTime WHERE {Member}"),

        ("InsertMembershipVersionKey", """
            WITH inserted AS (
                INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@DeploymentId)
                ON CONFLICT (DeploymentId) DO NOTHING RETURNING 1)
            SELECT count(*)::int FROM inserted
            """),

        // The version row's update is the optimistic check (a concurrent change of the same version waits for the
        // first and then finds the version changed); it applies only when the member is new.
        ("InsertMembershipKey", $"""
            WITH bumped AS (
                UPDATE OrleansMembershipVersionTable SET Version = Version + 1, Timestamp = now()
                WHERE DeploymentId = @DeploymentId AND Version = @Version
                  AND NOT EXISTS (SELECT 1 FROM OrleansMembershipTable WHERE {Member})
                RETURNING DeploymentId),
            inserted AS (
                INSERT INTO OrleansMembershipTable
                    (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
                SELECT DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
                FROM bumped
                RETURNING 1)
            SELECT count(*)::int FROM inserted
            """),

        ("UpdateMembershipKey", $"""
            WITH bumped AS (
                UPDATE OrleansMembershipVersionTable SET Version = Version + 1, Timestamp = now()
                WHERE DeploymentId = @DeploymentId AND Version = @Version
                  AND EXISTS (SELECT 1 FROM OrleansMembershipTable WHERE {Member})
                RETURNING DeploymentId),
            updated AS (
                UPDATE OrleansMembershipTable AS m
                SET Status = @Status, SuspectTimes = @SuspectTimes::varchar, IAmAliveTime = @IAmAliveTime
                FROM bumped
                WHERE m.DeploymentId = bumped.DeploymentId AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
                RETURNING 1)
            SELECT count(*)::int FROM updated
            """),

        // A version row with no member row still comes back: it carries the table version.
        ("MembershipReadRowKey", $"""
            SELECT {MemberColumns}
            FROM OrleansMembershipVersionTable AS v
            LEFT JOIN OrleansMembershipTable AS m ON m.DeploymentId = v.DeploymentId
                AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
            WHERE v.DeploymentId = @DeploymentId
            """),

        ("MembershipReadAllKey", $"""
            SELECT {MemberColumns}
            FROM OrleansMembershipVersionTable AS v
            LEFT JOIN OrleansMembershipTable AS m ON m.DeploymentId = v.DeploymentId
            WHERE v.DeploymentId = @DeploymentId
            """),

        ("DeleteMembershipTableEntriesKey", """
            DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
            DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId
            """),

        ("GatewaysQueryKey", """
            SELECT Address, ProxyPort, Generation FROM OrleansMembershipTable
            WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0
            """),

        // Status 3 is Active, 6 is Dead (Orleans.Runtime.SiloStatus).
        ("CleanupDefunctSiloEntriesKey", """
            DELETE FROM OrleansMembershipTable
            WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status <> 3
            """),

        // Deletes one dead member only if it is still as Orleans read it (nothing renewed it since).
        ("CleanupDefunctSiloEntryKey", $"""
            DELETE FROM OrleansMembershipTable
            WHERE {Member} AND Status = 6 AND StartTime = @StartTime AND IAmAliveTime = @IAmAliveTime
              AND SuspectTimes IS NOT DISTINCT FROM @SuspectTimes::varchar
            """),
    ];
}
