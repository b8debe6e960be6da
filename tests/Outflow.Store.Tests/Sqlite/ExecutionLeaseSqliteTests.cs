namespace Outflow.Store.Tests.Sqlite;

public sealed class ExecutionLeaseSqliteTests() : ExecutionLeaseTests(null);
