using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>
/// Identities that differ only by letter case or a trailing space, written to a text identity column. Where the
/// column compares them as different values, each is its own record. Where the target considers them equal
/// (SQLite's NOCASE collation), the rows are duplicate identities and none of them is written. The target still
/// equals the counts and the model's other rows.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class IdentityCollationTests(PostgresFixture postgres)
{
    private const string Select = "SELECT code, name FROM accounts ORDER BY name";

    [Theory]
    [InlineData(TargetKind.PostgreSql, "text PRIMARY KEY")]
    [InlineData(TargetKind.Sqlite, "TEXT PRIMARY KEY")]
    [InlineData(TargetKind.Sqlite, "TEXT COLLATE NOCASE PRIMARY KEY")]
    public async Task Identity_case_or_space_matches_target(TargetKind target, string identityColumn)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await harness.ExecuteSourceAsync("CREATE TABLE accounts (code text, name text)");
        await harness.ExecuteSourceAsync("INSERT INTO accounts VALUES ('abc', 'lower'), ('ABC', 'upper'), ('abc ', 'trailing space')");
        await harness.ExecuteTargetAsync($"CREATE TABLE accounts (code {identityColumn}, name text)");
        await harness.InstallWriteLogAsync("accounts");
        var model = await harness.CreateModelAsync("SELECT code, name FROM accounts ORDER BY name", "code", "name");
        var sync = await harness.CreateSyncAsync(
            harness.NewSyncConfiguration(model, SyncMode.Replace, harness.TargetObject("accounts"), "code", "code", "name"));

        var first = await harness.RunAsync(sync);

        People.AssertCompleted(first);
        await People.AssertCountsMatchTargetAsync(harness, first);
        await AssertTargetEqualsModelAsync(harness, first, ["ABC|upper", "abc|lower", "abc |trailing space"]);
        var duplicates = harness.ReadLog(first.Id, "errors").Count(line => (string?)line["key"] == "duplicate_identity");
        Assert.Equal(identityColumn.Contains("NOCASE", StringComparison.Ordinal) ? 2 : 0, duplicates);

        var unchanged = await harness.RunAsync(sync);

        People.AssertCompleted(unchanged);
        // Duplicates stay errors on every execution until the model changes; nothing else is written.
        Assert.Equal(new ExecutionCounts(Total: duplicates, Error: duplicates), unchanged.Counts);
        await People.AssertCountsMatchTargetAsync(harness, unchanged);

        // The upper-case row leaves the model: replace deletes its record, and only that one.
        await harness.ExecuteSourceAsync("DELETE FROM accounts WHERE code = 'ABC'");
        var deleted = await harness.RunAsync(sync);

        People.AssertCompleted(deleted);
        await People.AssertCountsMatchTargetAsync(harness, deleted);
        await AssertTargetEqualsModelAsync(harness, deleted, ["abc|lower", "abc |trailing space"]);
    }

    /// <summary>
    /// Asserts that every model row the execution did not reject is in the target exactly, with its own identity
    /// text and values, and that the target has no other rows.
    /// </summary>
    private static async Task AssertTargetEqualsModelAsync(EngineHarness harness, Execution execution, string[] modelRows)
    {
        // The errors log names a record by its identity as the target compares it, so the row's own code is read
        // from its fields.
        var rejected = harness.ReadLog(execution.Id, "errors")
            .Select(line => (string?)line["fields"]!["code"])
            .ToHashSet(StringComparer.Ordinal);
        var expected = modelRows
            .Where(row => !rejected.Contains(row[..row.IndexOf('|', StringComparison.Ordinal)]))
            .Order(StringComparer.Ordinal)
            .ToList();
        var actual = (await harness.QueryTargetRowsAsync(Select)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
    }
}
