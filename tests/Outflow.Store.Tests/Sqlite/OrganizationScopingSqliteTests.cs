namespace Outflow.Store.Tests.Sqlite;

public sealed class OrganizationScopingSqliteTests() : OrganizationScopingTests(null);
