using Outflow.Testing;

namespace Outflow.Store.Tests.PostgreSql;

[Collection(PostgresFixture.CollectionName)]
public sealed class StoreMaintenancePostgreSqlTests(PostgresFixture postgres) : StoreMaintenanceTests(postgres);
