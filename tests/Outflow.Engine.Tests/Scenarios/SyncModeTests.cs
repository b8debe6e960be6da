using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>
/// Runs create, update, updateOrCreate and replace over the same changing model, on every source and target pair,
/// and checks the target's exact rows and the execution's counts after each execution.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SyncModeTests(PostgresFixture postgres)
{
    private const string Other = "100|other app|1";

    /// <summary>The source changes made before each execution; the first one fills the model.</summary>
    private static readonly string[] SourceChanges =
    [
        "INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20), (3, 'Edsger', 30)",
        "UPDATE people SET name = 'Grace Hopper', amount = 21 WHERE id = 2; INSERT INTO people VALUES (4, 'Barbara', 40)",
        "DELETE FROM people WHERE id = 3",
        "",
        "INSERT INTO people VALUES (3, 'Edsger W.', 31); UPDATE people SET amount = 11 WHERE id = 1",
    ];

    /// <summary>
    /// What each mode must leave after each execution of <see cref="SourceChanges"/>. The target starts with
    /// records 1 and 2 written by someone else as "seeded", and record 100 that no model row names.
    /// </summary>
    private static readonly Dictionary<SyncMode, Step[]> Expected = new()
    {
        // Create inserts missing identities only and never touches a record again, not even one it inserted.
        [SyncMode.Create] =
        [
            new(new(Total: 1, Insert: 1), ["1|seeded|0", "2|seeded|0", "3|Edsger|30", Other]),
            new(new(Total: 1, Insert: 1), ["1|seeded|0", "2|seeded|0", "3|Edsger|30", "4|Barbara|40", Other]),
            new(ExecutionCounts.Zero, ["1|seeded|0", "2|seeded|0", "3|Edsger|30", "4|Barbara|40", Other]),
            new(ExecutionCounts.Zero, ["1|seeded|0", "2|seeded|0", "3|Edsger|30", "4|Barbara|40", Other]),
            new(ExecutionCounts.Zero, ["1|seeded|0", "2|seeded|0", "3|Edsger|30", "4|Barbara|40", Other]),
        ],

        // Update never inserts, warns for every row without a record, and warns again on each execution.
        [SyncMode.Update] =
        [
            new(new(Total: 2, Update: 2, Warnings: 1), ["1|Ada|10", "2|Grace|20", Other]),
            new(new(Total: 1, Update: 1, Warnings: 2), ["1|Ada|10", "2|Grace Hopper|21", Other]),
            new(new(Warnings: 1), ["1|Ada|10", "2|Grace Hopper|21", Other]),
            new(new(Warnings: 1), ["1|Ada|10", "2|Grace Hopper|21", Other]),
            new(new(Total: 1, Update: 1, Warnings: 2), ["1|Ada|11", "2|Grace Hopper|21", Other]),
        ],

        // UpdateOrCreate upserts changes and never deletes.
        [SyncMode.UpdateOrCreate] =
        [
            new(new(Total: 3, Insert: 1, Update: 2, Upserts: 3), ["1|Ada|10", "2|Grace|20", "3|Edsger|30", Other]),
            new(new(Total: 2, Insert: 1, Update: 1, Upserts: 2), ["1|Ada|10", "2|Grace Hopper|21", "3|Edsger|30", "4|Barbara|40", Other]),
            new(ExecutionCounts.Zero, ["1|Ada|10", "2|Grace Hopper|21", "3|Edsger|30", "4|Barbara|40", Other]),
            new(ExecutionCounts.Zero, ["1|Ada|10", "2|Grace Hopper|21", "3|Edsger|30", "4|Barbara|40", Other]),
            new(new(Total: 2, Update: 2, Upserts: 2), ["1|Ada|11", "2|Grace Hopper|21", "3|Edsger W.|31", "4|Barbara|40", Other]),
        ],

        // Replace also deletes what it wrote once the row leaves the model, and inserts it again when it returns.
        [SyncMode.Replace] =
        [
            new(new(Total: 3, Insert: 1, Update: 2, Upserts: 3), ["1|Ada|10", "2|Grace|20", "3|Edsger|30", Other]),
            new(new(Total: 2, Insert: 1, Update: 1, Upserts: 2), ["1|Ada|10", "2|Grace Hopper|21", "3|Edsger|30", "4|Barbara|40", Other]),
            new(new(Total: 1, Delete: 1), ["1|Ada|10", "2|Grace Hopper|21", "4|Barbara|40", Other]),
            new(ExecutionCounts.Zero, ["1|Ada|10", "2|Grace Hopper|21", "4|Barbara|40", Other]),
            new(new(Total: 2, Insert: 1, Update: 1, Upserts: 2), ["1|Ada|11", "2|Grace Hopper|21", "3|Edsger W.|31", "4|Barbara|40", Other]),
        ],
    };

    public static TheoryData<SyncMode, TargetKind, SourceKind> Cases()
    {
        var data = new TheoryData<SyncMode, TargetKind, SourceKind>();
        foreach (var mode in Expected.Keys)
        {
            foreach (var target in Enum.GetValues<TargetKind>())
            {
                foreach (var source in Enum.GetValues<SourceKind>())
                {
                    data.Add(mode, target, source);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Mode_changing_model_rows_and_counts(SyncMode mode, TargetKind target, SourceKind source)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target, source);
        await harness.ExecuteSourceAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text, amount bigint)");
        await harness.ExecuteTargetAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text, amount bigint CHECK (amount >= 0))");
        await harness.ExecuteTargetAsync("INSERT INTO people VALUES (1, 'seeded', 0), (2, 'seeded', 0), (100, 'other app', 1)");
        await harness.InstallWriteLogAsync("people");
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, mode));

        var steps = Expected[mode];
        for (var i = 0; i < steps.Length; i++)
        {
            if (SourceChanges[i].Length > 0)
            {
                await harness.ExecuteSourceAsync(SourceChanges[i]);
            }

            var execution = await harness.RunAsync(sync);

            People.AssertCompleted(execution);
            Assert.True(steps[i].Counts == execution.Counts, $"execution {i + 1}: expected {steps[i].Counts}, got {execution.Counts}");
            Assert.Equal(steps[i].Rows, await harness.QueryTargetRowsAsync(People.SelectTargetRows));
            await People.AssertCountsMatchTargetAsync(harness, execution);
            Assert.Equal(execution.Counts.Warnings, harness.ReadLog(execution.Id, "warnings").Count);
            Assert.Empty(harness.ReadLog(execution.Id, "errors"));
        }
    }

    private sealed record Step(ExecutionCounts Counts, string[] Rows);
}
