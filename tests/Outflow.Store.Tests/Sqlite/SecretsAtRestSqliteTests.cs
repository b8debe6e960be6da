namespace Outflow.Store.Tests.Sqlite;

public sealed class SecretsAtRestSqliteTests() : SecretsAtRestTests(null);
