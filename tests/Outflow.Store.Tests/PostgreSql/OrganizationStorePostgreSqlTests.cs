using Outflow.Testing;

namespace Outflow.Store.Tests.PostgreSql;

[Collection(PostgresFixture.CollectionName)]
public sealed class OrganizationStorePostgreSqlTests(PostgresFixture postgres) : OrganizationStoreTests(postgres);
