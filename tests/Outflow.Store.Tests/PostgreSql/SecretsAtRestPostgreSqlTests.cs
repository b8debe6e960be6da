using Outflow.Testing;

namespace Outflow.Store.Tests.PostgreSql;

[Collection(PostgresFixture.CollectionName)]
public sealed class SecretsAtRestPostgreSqlTests(PostgresFixture postgres) : SecretsAtRestTests(postgres);
