using Outflow.Testing;

namespace Outflow.Store.Tests.PostgreSql;

[Collection(PostgresFixture.CollectionName)]
public sealed class ExecutionConsoleLogPostgreSqlTests(PostgresFixture postgres) : ExecutionConsoleLogTests(postgres);
