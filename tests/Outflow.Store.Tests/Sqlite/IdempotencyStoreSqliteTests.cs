namespace Outflow.Store.Tests.Sqlite;

public sealed class IdempotencyStoreSqliteTests() : IdempotencyStoreTests(null);
