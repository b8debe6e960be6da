using Outflow.Testing;

namespace Outflow.Store.Tests.PostgreSql;

[Collection(PostgresFixture.CollectionName)]
public sealed class ScheduledExecutionStorePostgreSqlTests(PostgresFixture postgres) : ScheduledExecutionStoreTests(postgres);
