using Outflow.Testing;

namespace Outflow.Store.Tests.PostgreSql;

[Collection(PostgresFixture.CollectionName)]
public sealed class ExecutionListPostgreSqlTests(PostgresFixture postgres) : ExecutionListTests(postgres);
