namespace Outflow.Store.Tests.Sqlite;

public sealed class JobStoreSqliteTests() : JobStoreTests(null);
