using Outflow.Testing;

namespace Outflow.Store.Tests.PostgreSql;

[Collection(PostgresFixture.CollectionName)]
public sealed class ExecutionLogStorePostgreSqlTests(PostgresFixture postgres) : ExecutionLogStoreTests(postgres);
