using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>
/// The PostgreSQL target behind a <see cref="TcpFaultProxy"/> that cuts every connection in the middle of an
/// execution's writes: a single cut is retried and the target ends exact, and a target that stays unreachable fails the
/// execution with the network error, keeps what was confirmed and writes no row twice when the next execution resumes.
/// Sessions that the server ends itself, as a restart or an administrator's <c>pg_terminate_backend</c> does, are
/// retried the same way.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class TargetConnectionFaultTests(PostgresFixture postgres)
{
    private const int RowCount = 3000;

    /// <summary>
    /// About one and a half batches of 300 rows in COPY format plus the statements around them, so the cut lands inside
    /// the second or third batch of ten.
    /// </summary>
    private const long CutAfterBytes = 20_000;

    [Fact]
    public async Task Target_cut_once_retried_exactly()
    {
        await using var proxy = TcpFaultProxy.Start(postgres.Server);
        await using var harness = await CreateHarnessAsync(proxy);
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.Replace));

        proxy.CutAfter(CutAfterBytes, ProxyDirection.ToServer);
        var execution = await harness.RunAsync(sync);

        People.AssertCompleted(execution);
        Assert.Equal(1, proxy.Cuts);
        Assert.Equal(new ExecutionCounts(Total: RowCount, Insert: RowCount, Upserts: RowCount), execution.Counts);
        Assert.Equal(new TargetWrites(RowCount, 0, 0), await harness.TakeWriteLogAsync());
        Assert.Equal(RowCount, await CountDistinctAsync(harness));
        Assert.Equal(ExecutionCounts.Zero, (await harness.RunAsync(sync)).Counts);
    }

    [Fact]
    public async Task Target_unreachable_fails_then_resumes()
    {
        await using var proxy = TcpFaultProxy.Start(postgres.Server);
        await using var harness = await CreateHarnessAsync(proxy);
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.Replace));

        proxy.CutAfter(CutAfterBytes, ProxyDirection.ToServer, rejectAfter: true);
        var failed = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        var error = Assert.Single(failed.Errors);
        Assert.Contains("after 5 attempts", error, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{proxy.Port}", error, StringComparison.Ordinal);
        var written = await harness.TakeWriteLogAsync();
        Assert.InRange(written.Inserts, 1, RowCount - 1);
        Assert.Equal(0, written.Updates);
        Assert.Equal(0, written.Deletes);
        Assert.Equal(failed.Counts.Insert, written.Inserts);

        proxy.RejectConnections = false;
        var resumed = await harness.RunAsync(sync);

        People.AssertCompleted(resumed);
        Assert.Equal(RowCount - written.Inserts, resumed.Counts.Insert);
        Assert.Equal(new TargetWrites(RowCount - written.Inserts, 0, 0), await harness.TakeWriteLogAsync());
        Assert.Equal(RowCount, await CountDistinctAsync(harness));
        Assert.Equal(People.ExpectedRows(RowCount), await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        Assert.Equal(ExecutionCounts.Zero, (await harness.RunAsync(sync)).Counts);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Session_terminated_during_copy_retried(bool whileSending)
    {
        // Batches of about 10 MB are more than the socket buffers hold, so the client is still sending when the server
        // ends the session at the first row, and its write fails. A small batch is sent whole, and the server's error
        // comes as the reply.
        var rowCount = whileSending ? 40_000 : RowCount;
        var batchSize = whileSending ? rowCount / 2 : 300;
        var padding = new string('0', whileSending ? 500 : 0);
        await using var harness = await CreateHarnessAsync(proxy: null, rowCount, batchSize);
        harness.ExecuteSource($"UPDATE people SET name = name || ' ' || '{padding}'");
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.Replace));

        // A sequence is not rolled back with the batch, so only the first COPY that reaches the row ends its session.
        // The check runs as each row arrives, where a BEFORE INSERT trigger would make the target use statements.
        await harness.ExecuteTargetAsync("""
            CREATE SEQUENCE terminations;
            CREATE FUNCTION terminate_once(id bigint) RETURNS boolean LANGUAGE plpgsql AS $$
            BEGIN
                IF id = 1 AND nextval('terminations') = 1 THEN
                    PERFORM pg_terminate_backend(pg_backend_pid());
                END IF;
                RETURN true;
            END $$;
            ALTER TABLE people ADD CHECK (terminate_once(id));
            CREATE TABLE write_statements (n serial PRIMARY KEY, kind text NOT NULL);
            CREATE FUNCTION log_statement() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO write_statements (kind)
                VALUES (CASE WHEN ltrim(current_query()) ILIKE 'copy%' THEN 'copy' ELSE 'statements' END);
                RETURN NULL;
            END $$;
            CREATE TRIGGER people_statements AFTER INSERT ON people FOR EACH STATEMENT EXECUTE FUNCTION log_statement();
            """);
        var execution = await harness.RunAsync(sync);

        People.AssertCompleted(execution);
        Assert.Equal(2L, await harness.QueryTargetScalarAsync("SELECT last_value FROM terminations"));

        // Every batch, the retried one too, is written with COPY: the ended session was not taken for a rejected COPY.
        var kinds = await harness.QueryTargetRowsAsync("SELECT kind FROM write_statements ORDER BY n");
        Assert.Equal(Enumerable.Repeat("copy", rowCount / batchSize), kinds);
        Assert.Equal(new ExecutionCounts(Total: rowCount, Insert: rowCount, Upserts: rowCount), execution.Counts);
        Assert.Equal(new TargetWrites(rowCount, 0, 0), await harness.TakeWriteLogAsync());
        Assert.Equal(
            Enumerable.Range(1, rowCount).Select(id => $"{id}|person {id} {padding}|{id}"),
            await harness.QueryTargetRowsAsync(People.SelectTargetRows));
    }

    [Fact]
    public async Task Idle_sessions_terminated_retried()
    {
        await using var harness = await CreateHarnessAsync(proxy: null);
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.Replace));
        People.AssertCompleted(await harness.RunAsync(sync));
        await harness.TakeWriteLogAsync();

        // The first execution left its sessions idle in the pool, and the server now ends them all.
        await harness.ExecuteSourceAsync("UPDATE people SET amount = amount + 1 WHERE id <= 10");
        await harness.ExecuteTargetAsync("""
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
            """);
        var execution = await harness.RunAsync(sync);

        People.AssertCompleted(execution);
        Assert.Equal(new ExecutionCounts(Total: 10, Update: 10, Upserts: 10), execution.Counts);
        Assert.Equal(new TargetWrites(0, 10, 0), await harness.TakeWriteLogAsync());
    }

    /// <summary>
    /// Creates the people tables with <paramref name="rowCount"/> source rows and routes the target through
    /// <paramref name="proxy"/> when there is one.
    /// </summary>
    private async Task<EngineHarness> CreateHarnessAsync(TcpFaultProxy? proxy, int rowCount = RowCount, int batchSize = 300)
    {
        var harness = await EngineHarness.CreateAsync(postgres, TargetKind.PostgreSql, SourceKind.Sqlite, batchSize);
        await People.CreateTablesAsync(harness);
        harness.ExecuteSource(People.InsertRows(rowCount, SourceKind.Sqlite));
        if (proxy is not null)
        {
            await harness.RouteTargetAsync(proxy.Port);
        }

        return harness;
    }

    private static async Task<long> CountDistinctAsync(EngineHarness harness) =>
        Convert.ToInt64(await harness.QueryTargetScalarAsync("SELECT count(DISTINCT id) FROM people"), System.Globalization.CultureInfo.InvariantCulture);
}
