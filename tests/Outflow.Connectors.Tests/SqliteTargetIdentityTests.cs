using System.Text.Json.Nodes;
using Outflow.Connectors.Sqlite;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Tests;

public sealed class SqliteTargetIdentityTests : IDisposable
{
    private readonly SqliteFiles _files = new();
    private readonly ITargetConnector _target;

    public SqliteTargetIdentityTests()
    {
        _files.CreateDatabase("target.db", """
            CREATE TABLE index_nocase (k TEXT, v TEXT);
            CREATE UNIQUE INDEX index_nocase_k ON index_nocase (k COLLATE NOCASE);
            INSERT INTO index_nocase VALUES ('Ann', '1');
            CREATE TABLE index_binary (k TEXT COLLATE NOCASE, v TEXT);
            CREATE UNIQUE INDEX index_binary_k ON index_binary (k COLLATE BINARY);
            INSERT INTO index_binary VALUES ('Ann', '1');
            CREATE TABLE index_rtrim (k TEXT, v TEXT);
            CREATE UNIQUE INDEX index_rtrim_k ON index_rtrim (k COLLATE RTRIM);
            CREATE TABLE key_and_index (k TEXT PRIMARY KEY, v TEXT);
            CREATE UNIQUE INDEX key_and_index_k ON key_and_index (k COLLATE NOCASE);
            CREATE TABLE column_nocase (k TEXT COLLATE NOCASE UNIQUE, loose TEXT COLLATE NOCASE);
            CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT);
            INSERT INTO people VALUES (1, 'Ann'), (2, 'Bob');
            CREATE TABLE codes (code TEXT NOT NULL UNIQUE, v TEXT);
            INSERT INTO codes VALUES ('A-1', 'x'), ('12', 'y');
            """);
        _target = new SqliteConnectorFactory().CreateTarget(new JsonObject { ["path"] = "target.db" }, _files.Environment);
    }

    [Theory]
    [InlineData("index_nocase", IdentityComparison.IgnoreAsciiCase)]
    [InlineData("index_binary", IdentityComparison.Exact)]
    [InlineData("index_rtrim", IdentityComparison.IgnoreTrailingSpaces)]
    [InlineData("key_and_index", IdentityComparison.Exact)]
    [InlineData("column_nocase", IdentityComparison.IgnoreAsciiCase)]
    public async Task Describe_identity_reports_unique_index_collation(string table, IdentityComparison expected)
    {
        var info = await _target.DescribeObjectAsync(table, CancellationToken.None);

        Assert.NotNull(info);
        Assert.True(info.Fields[0].SupportsIdentity);
        Assert.Equal(expected, info.Fields[0].Comparison);
    }

    [Fact]
    public async Task Describe_non_identity_keeps_column_collation()
    {
        var info = await _target.DescribeObjectAsync("column_nocase", CancellationToken.None);

        Assert.NotNull(info);
        Assert.False(info.Fields[1].SupportsIdentity);
        Assert.Equal(IdentityComparison.IgnoreAsciiCase, info.Fields[1].Comparison);
    }

    [Fact]
    public async Task Write_nocase_index_matches_other_case()
    {
        var results = await _target.WriteAsync(
            new WriteBatch("index_nocase", "k", ["v"], [new TargetRecord(RecordOperation.Upsert, "ANN", ["2"])]),
            CancellationToken.None);

        Assert.Equal(RecordOutcome.Updated, results[0].Outcome);
        Assert.Equal([["Ann", "2"]], _files.Query("target.db", "SELECT k, v FROM index_nocase"));

        var deleted = await _target.WriteAsync(
            new WriteBatch("index_nocase", "k", [], [new TargetRecord(RecordOperation.Delete, "ann", [])]),
            CancellationToken.None);

        Assert.Equal(RecordOutcome.Deleted, deleted[0].Outcome);
        Assert.Empty(_files.Query("target.db", "SELECT k FROM index_nocase"));
    }

    [Fact]
    public async Task Write_binary_index_on_nocase_column_matches_exactly()
    {
        var results = await _target.WriteAsync(
            new WriteBatch("index_binary", "k", ["v"], [
                new TargetRecord(RecordOperation.Upsert, "ANN", ["2"]),
                new TargetRecord(RecordOperation.Update, "ann", ["3"]),
            ]),
            CancellationToken.None);

        Assert.Equal(RecordOutcome.Inserted, results[0].Outcome);
        Assert.Equal(RecordOutcome.NotFound, results[1].Outcome);
        Assert.Equal(
            [["ANN", "2"], ["Ann", "1"]],
            _files.Query("target.db", "SELECT k, v FROM index_binary ORDER BY k COLLATE BINARY"));
    }

    [Fact]
    public async Task Contains_integer_key_reports_hits_and_misses()
    {
        object[] identities = [1L, 3L, "abc", 2L, 2.0, 1.5m, "", long.MaxValue];

        var found = await _target.ContainsAsync("people", "id", identities, CancellationToken.None);

        Assert.Equal([true, false, false, true, true, false, false, false], found);
    }

    [Fact]
    public async Task Contains_agrees_with_update_outcome()
    {
        object[] identities = [1L, 3L, "abc", "2", 2.0, 1.5m, true, "1 "];

        var found = await _target.ContainsAsync("people", "id", identities, CancellationToken.None);

        // An update with the same identity finds a record exactly when the lookup does. The updates rewrite only the name,
        // so they do not change which identities exist.
        for (var i = 0; i < identities.Length; i++)
        {
            var results = await _target.WriteAsync(
                new WriteBatch("people", "id", ["name"], [new TargetRecord(RecordOperation.Update, identities[i], ["Ann"])]),
                CancellationToken.None);
            Assert.True(
                found[i] == (results[0].Outcome == RecordOutcome.Updated),
                $"identity {identities[i]} ({identities[i].GetType().Name}): lookup {found[i]}, update {results[0].Outcome}");
        }
    }

    [Fact]
    public async Task Contains_text_key_compares_exactly()
    {
        object[] identities = ["A-1", "a-1", "A-1 ", 12L, "12", "missing"];

        var found = await _target.ContainsAsync("codes", "code", identities, CancellationToken.None);

        Assert.Equal([true, false, false, true, true, false], found);
    }

    [Fact]
    public async Task Contains_nocase_index_ignores_ascii_case()
    {
        object[] identities = ["ann", "ANN", "Ann", "Bob", "Änn"];

        var found = await _target.ContainsAsync("index_nocase", "k", identities, CancellationToken.None);

        Assert.Equal([true, true, true, false, false], found);
    }

    [Fact]
    public async Task Contains_empty_list_returns_empty()
    {
        var found = await _target.ContainsAsync("people", "id", [], CancellationToken.None);

        Assert.Empty(found);
    }

    [Fact]
    public async Task Contains_missing_table_or_non_identity_field_throws()
    {
        var missingTable = await Assert.ThrowsAsync<ConnectorException>(
            () => _target.ContainsAsync("gone", "id", [1L], CancellationToken.None));
        var notUnique = await Assert.ThrowsAsync<ConnectorException>(
            () => _target.ContainsAsync("people", "name", ["Ann"], CancellationToken.None));
        var unknownField = await Assert.ThrowsAsync<ConnectorException>(
            () => _target.ContainsAsync("people", "nope", [1L], CancellationToken.None));

        Assert.Contains("gone", missingTable.Message, StringComparison.Ordinal);
        Assert.Contains("name", notUnique.Message, StringComparison.Ordinal);
        Assert.Contains("nope", unknownField.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _target.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _files.Dispose();
    }
}
