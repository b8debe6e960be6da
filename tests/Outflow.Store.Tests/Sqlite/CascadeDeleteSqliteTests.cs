namespace Outflow.Store.Tests.Sqlite;

public sealed class CascadeDeleteSqliteTests() : CascadeDeleteTests(null);
