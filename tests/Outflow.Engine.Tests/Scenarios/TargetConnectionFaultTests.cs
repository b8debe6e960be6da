using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>
/// The PostgreSQL target behind a <see cref="TcpFaultProxy"/> that cuts every connection in the middle of an
/// execution's writes: a single cut is retried and the target ends exact, and a target that stays unreachable fails the
/// execution with the network error, keeps what was confirmed and writes no row twice when the next execution resumes.
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

    /// <summary>Creates the people tables with <see cref="RowCount"/> source rows and routes the target through the proxy.</summary>
    private async Task<EngineHarness> CreateHarnessAsync(TcpFaultProxy proxy)
    {
        var harness = await EngineHarness.CreateAsync(postgres, TargetKind.PostgreSql, SourceKind.Sqlite, batchSize: 300);
        await People.CreateTablesAsync(harness);
        harness.ExecuteSource(People.InsertRows(RowCount, SourceKind.Sqlite));
        await harness.RouteTargetAsync(proxy.Port);
        return harness;
    }

    private static async Task<long> CountDistinctAsync(EngineHarness harness) =>
        Convert.ToInt64(await harness.QueryTargetScalarAsync("SELECT count(DISTINCT id) FROM people"), System.Globalization.CultureInfo.InvariantCulture);
}
