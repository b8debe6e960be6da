namespace Outflow.Store.Tests.Sqlite;

public sealed class OrganizationStoreSqliteTests() : OrganizationStoreTests(null);
