namespace Outflow.Store.Tests.Sqlite;

public sealed class ExecutionListSqliteTests() : ExecutionListTests(null);
