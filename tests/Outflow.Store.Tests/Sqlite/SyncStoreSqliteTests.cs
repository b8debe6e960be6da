namespace Outflow.Store.Tests.Sqlite;

public sealed class SyncStoreSqliteTests() : SyncStoreTests(null);
