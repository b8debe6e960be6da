namespace Outflow.Store.Tests.Sqlite;

public sealed class ScheduledExecutionStoreSqliteTests() : ScheduledExecutionStoreTests(null);
