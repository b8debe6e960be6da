using Outflow.Connectors.PostgreSql;
using Outflow.Core.Connectors;
using Outflow.Core.Syncs;
using Outflow.Testing;

namespace Outflow.Connectors.Tests;

[Collection(PostgresFixture.CollectionName)]
public sealed class PostgreSqlTargetIdentityTests(PostgresFixture postgres)
{
    private static readonly ConnectorEnvironment Environment = new("/tmp");
    private readonly PostgreSqlConnectorFactory _factory = new();

    [Fact]
    public async Task Describe_nondeterministic_collation_is_not_identity()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE COLLATION case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
            CREATE TABLE by_column (email text COLLATE case_insensitive PRIMARY KEY, name text);
            CREATE TABLE by_index (email text, name text);
            CREATE UNIQUE INDEX by_index_email ON by_index (email COLLATE case_insensitive);
            CREATE TABLE deterministic (email text COLLATE "C" PRIMARY KEY, name text);
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var byColumn = await target.DescribeObjectAsync("public.by_column", CancellationToken.None);
        var byIndex = await target.DescribeObjectAsync("public.by_index", CancellationToken.None);
        var deterministic = await target.DescribeObjectAsync("public.deterministic", CancellationToken.None);

        Assert.NotNull(byColumn);
        Assert.NotNull(byIndex);
        Assert.NotNull(deterministic);
        Assert.False(byColumn.Fields[0].SupportsIdentity);
        Assert.False(byIndex.Fields[0].SupportsIdentity);
        Assert.True(deterministic.Fields[0].SupportsIdentity);
        Assert.Equal([SyncMode.Append], byColumn.Modes);
        Assert.Equal([SyncMode.Append], byIndex.Modes);
    }

    [Fact]
    public async Task Write_nondeterministic_identity_names_collation()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE COLLATION case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
            CREATE TABLE people (email text COLLATE case_insensitive PRIMARY KEY, name text);
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var write = await Assert.ThrowsAsync<ConnectorException>(() => target.WriteAsync(
            new WriteBatch("public.people", "email", ["name"], [new TargetRecord(RecordOperation.Upsert, "a@example.com", ["Ann"])]),
            CancellationToken.None));
        var lookup = await Assert.ThrowsAsync<ConnectorException>(
            () => target.ContainsAsync("public.people", "email", ["a@example.com"], CancellationToken.None));

        Assert.Contains("collation \"case_insensitive\" is nondeterministic", write.Message, StringComparison.Ordinal);
        Assert.Contains("collation \"case_insensitive\" is nondeterministic", lookup.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Contains_bigint_key_reports_hits_misses_and_uncastable()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE people (id bigint PRIMARY KEY, name text);
            INSERT INTO people VALUES (1, 'Ann'), (2, 'Bob'), (9223372036854775807, 'Max');
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);
        object[] identities = [1L, "abc", 3L, "2", 2.0m, 1.5m, "99999999999999999999", long.MaxValue, 2.5, "", "1"];

        var found = await target.ContainsAsync("public.people", "id", identities, CancellationToken.None);

        Assert.Equal([true, false, false, true, true, false, false, true, false, false, true], found);
    }

    [Fact]
    public async Task Contains_only_uncastable_values_returns_false()
    {
        var database = await postgres.CreateDatabaseAsync("CREATE TABLE items (id uuid PRIMARY KEY);");
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var found = await target.ContainsAsync("public.items", "id", ["not-a-uuid", "also not", "x"], CancellationToken.None);

        Assert.Equal([false, false, false], found);
    }

    [Fact]
    public async Task Contains_text_types_compare_as_column_type()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE EXTENSION citext;
            CREATE TABLE plain (k text PRIMARY KEY);
            CREATE TABLE fixed (k char(5) PRIMARY KEY);
            CREATE TABLE folded (k citext PRIMARY KEY);
            CREATE TABLE limited (k varchar(3) PRIMARY KEY);
            INSERT INTO plain VALUES ('Ann'), ('🎉x');
            INSERT INTO fixed VALUES ('ab');
            INSERT INTO folded VALUES ('Ann');
            INSERT INTO limited VALUES ('abc');
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var plain = await target.ContainsAsync("public.plain", "k", ["Ann", "ann", "Ann ", "🎉x", "🎉"], CancellationToken.None);
        var fixedLength = await target.ContainsAsync("public.fixed", "k", ["ab", "ab   ", "ab ", "AB", "abc"], CancellationToken.None);
        var folded = await target.ContainsAsync("public.folded", "k", ["ANN", "ann", "Ann ", "Bob"], CancellationToken.None);
        var limited = await target.ContainsAsync("public.limited", "k", ["abc", "abcd", "abc  "], CancellationToken.None);

        Assert.Equal([true, false, false, true, false], plain);
        Assert.Equal([true, true, true, false, false], fixedLength);
        Assert.Equal([true, true, false, false], folded);

        // Like the update and delete statements, the lookup compares as varchar, where trailing spaces count, although an
        // insert would cut the spaces beyond the length and collide with "abc".
        Assert.Equal([true, false, false], limited);
    }

    [Fact]
    public async Task Contains_timestamptz_key_compares_instants()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE events (at timestamptz PRIMARY KEY);
            INSERT INTO events VALUES ('2024-05-01 10:00:00+02');
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);
        object[] identities =
        [
            new DateTimeOffset(2024, 5, 1, 8, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.FromHours(2)),
            new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero),
            "2024-05-01T08:00:00Z",
            "yesterday at noon-ish",
        ];

        var found = await target.ContainsAsync("public.events", "at", identities, CancellationToken.None);

        Assert.Equal([true, true, false, true, false], found);
    }

    [Fact]
    public async Task Contains_domain_check_failure_returns_false()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE DOMAIN positive AS bigint CHECK (VALUE > 0);
            CREATE TABLE items (id positive PRIMARY KEY);
            INSERT INTO items VALUES (5);
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var found = await target.ContainsAsync("public.items", "id", [5L, -1L, 6L], CancellationToken.None);

        Assert.Equal([true, false, false], found);
    }

    [Fact]
    public async Task Contains_agrees_with_update_outcome()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE people (id bigint PRIMARY KEY, name text);
            INSERT INTO people VALUES (1, 'Ann'), (2, 'Bob');
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);
        object[] identities = [1L, 3L, "2", 2.0, 1.0m, " 1 ", "+2", "0x1", true];

        var found = await target.ContainsAsync("public.people", "id", identities, CancellationToken.None);

        // An update with the same identity finds a record exactly when the lookup does; a value the server rejects fails
        // the update's batch and is not found by the lookup. The updates rewrite only the name.
        for (var i = 0; i < identities.Length; i++)
        {
            bool updated;
            try
            {
                var results = await target.WriteAsync(
                    new WriteBatch("public.people", "id", ["name"], [new TargetRecord(RecordOperation.Update, identities[i], ["Ann"])]),
                    CancellationToken.None);
                updated = results[0].Outcome == RecordOutcome.Updated;
            }
            catch (ConnectorException)
            {
                updated = false;
            }

            Assert.True(found[i] == updated, $"identity {identities[i]} ({identities[i].GetType().Name}): lookup {found[i]}, update {updated}");
        }
    }

    [Fact]
    public async Task Contains_missing_table_or_non_identity_field_throws()
    {
        var database = await postgres.CreateDatabaseAsync("CREATE TABLE t (id int PRIMARY KEY, other int);");
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var missingTable = await Assert.ThrowsAsync<ConnectorException>(
            () => target.ContainsAsync("public.gone", "id", [1L], CancellationToken.None));
        var notUnique = await Assert.ThrowsAsync<ConnectorException>(
            () => target.ContainsAsync("public.t", "other", [1L], CancellationToken.None));

        Assert.Contains("public.gone", missingTable.Message, StringComparison.Ordinal);
        Assert.Contains("no primary key or single-column unique index", notUnique.Message, StringComparison.Ordinal);
    }
}
