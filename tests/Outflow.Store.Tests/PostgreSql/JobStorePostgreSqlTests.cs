using Outflow.Testing;

namespace Outflow.Store.Tests.PostgreSql;

[Collection(PostgresFixture.CollectionName)]
public sealed class JobStorePostgreSqlTests(PostgresFixture postgres) : JobStoreTests(postgres);
