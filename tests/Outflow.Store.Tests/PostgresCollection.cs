using Outflow.Testing;

namespace Outflow.Store.Tests;

[CollectionDefinition(PostgresFixture.CollectionName)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;
