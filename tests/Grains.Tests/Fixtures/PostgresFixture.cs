namespace OrleansCoord.Grains.Tests.Fixtures;

/// <summary>A PostgreSQL of the test class's own (<see cref="TestPostgres"/>), started before its first test and
/// stopped, its folder deleted, after its last.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private TestPostgres? _server;

    public string ConnectionString => (_server ?? throw new InvalidOperationException("not started")).ConnectionString;

    public async ValueTask InitializeAsync() => _server = await TestPostgres.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
