using Outflow.Testing;

namespace Outflow.Store.Tests.PostgreSql;

[Collection(PostgresFixture.CollectionName)]
public sealed class SyncStateStorePostgreSqlTests(PostgresFixture postgres) : SyncStateStoreTests(postgres);
