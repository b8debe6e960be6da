using Outflow.Testing;

namespace Outflow.Store.Tests.PostgreSql;

[Collection(PostgresFixture.CollectionName)]
public sealed class ExecutionStorePostgreSqlTests(PostgresFixture postgres) : ExecutionStoreTests(postgres);
