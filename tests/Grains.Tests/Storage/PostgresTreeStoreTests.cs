using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Storage.Postgres;

namespace OrleansCoord.Grains.Tests.Storage;

/// <summary>The storage contract against <see cref="PostgresTreeStore"/> on a PostgreSQL the fixture starts.</summary>
public sealed class PostgresTreeStoreTests(PostgresFixture postgres) : TreeStoreContract, IClassFixture<PostgresFixture>, IAsyncDisposable
{
    private readonly PostgresTreeStore _store = new(postgres.ConnectionString, "storecontract");

    protected override ITreeStore Store => _store;

    public ValueTask DisposeAsync() => _store.DisposeAsync();
}
