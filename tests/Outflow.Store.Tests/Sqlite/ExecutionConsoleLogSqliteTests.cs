namespace Outflow.Store.Tests.Sqlite;

public sealed class ExecutionConsoleLogSqliteTests() : ExecutionConsoleLogTests(null);
