using Outflow.Testing;

namespace Outflow.Store.Tests.PostgreSql;

[Collection(PostgresFixture.CollectionName)]
public sealed class IdempotencyStorePostgreSqlTests(PostgresFixture postgres) : IdempotencyStoreTests(postgres);
