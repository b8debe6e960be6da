namespace Outflow.Store.Tests.Sqlite;

public sealed class ModelStoreSqliteTests() : ModelStoreTests(null);
