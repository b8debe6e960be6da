using Outflow.Testing;

namespace Outflow.Store.Tests.PostgreSql;

[Collection(PostgresFixture.CollectionName)]
public sealed class ExecutionLeasePostgreSqlTests(PostgresFixture postgres) : ExecutionLeaseTests(postgres);
