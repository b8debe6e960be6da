namespace Outflow.Store.Tests.Sqlite;

public sealed class SyncStateStoreSqliteTests() : SyncStateStoreTests(null);
