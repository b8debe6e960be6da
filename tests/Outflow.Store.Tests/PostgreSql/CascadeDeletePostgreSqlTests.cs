using Outflow.Testing;

namespace Outflow.Store.Tests.PostgreSql;

[Collection(PostgresFixture.CollectionName)]
public sealed class CascadeDeletePostgreSqlTests(PostgresFixture postgres) : CascadeDeleteTests(postgres);
