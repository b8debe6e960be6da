namespace Outflow.Store.Tests.Sqlite;

public sealed class ExecutionStoreSqliteTests() : ExecutionStoreTests(null);
