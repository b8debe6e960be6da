namespace Outflow.Store.Tests.Sqlite;

public sealed class StoreConcurrencySqliteTests() : StoreConcurrencyTests(null);
