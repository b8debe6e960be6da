namespace Outflow.Store.Tests.Sqlite;

public sealed class ExecutionLogStoreSqliteTests() : ExecutionLogStoreTests(null);
