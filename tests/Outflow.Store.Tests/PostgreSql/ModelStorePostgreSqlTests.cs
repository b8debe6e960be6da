using Outflow.Testing;

namespace Outflow.Store.Tests.PostgreSql;

[Collection(PostgresFixture.CollectionName)]
public sealed class ModelStorePostgreSqlTests(PostgresFixture postgres) : ModelStoreTests(postgres);
