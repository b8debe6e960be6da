using Outflow.Testing;

namespace Outflow.Store.Tests.PostgreSql;

[Collection(PostgresFixture.CollectionName)]
public sealed class OrganizationScopingPostgreSqlTests(PostgresFixture postgres) : OrganizationScopingTests(postgres);
