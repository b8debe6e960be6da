using Outflow.Testing;

namespace Outflow.EndToEnd.Tests;

[CollectionDefinition(PostgresFixture.CollectionName)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;
