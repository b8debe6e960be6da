using Outflow.Testing;

namespace Outflow.Store.Tests.PostgreSql;

[Collection(PostgresFixture.CollectionName)]
public sealed class SyncStorePostgreSqlTests(PostgresFixture postgres) : SyncStoreTests(postgres);
