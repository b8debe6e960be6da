using Outflow.Connectors.PostgreSql;
using Outflow.Core.Connectors;
using Outflow.Testing;

namespace Outflow.Connectors.Tests;

/// <summary>
/// Commits whose outcome the target never hears, because the connection broke while the COMMIT or its reply was on the
/// way. The PostgreSQL target then queries the transaction's status on a new session.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PostgreSqlTargetCommitTests(PostgresFixture postgres)
{
    private static readonly ConnectorEnvironment Environment = new("/tmp");
    private readonly PostgreSqlConnectorFactory _factory = new();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Lost_commit_reply_returns_results(bool recordsAreNew)
    {
        var database = await postgres.CreateDatabaseAsync(
            "CREATE TABLE people (id bigint PRIMARY KEY, name text); INSERT INTO people VALUES (2, 'Bo')");
        await using var proxy = TcpFaultProxy.Start(postgres.Server);
        await using var target = CreateTarget(database, proxy);

        // The COMMIT reaches the server, and the connection breaks before its reply reaches the target. New records go
        // in with one COPY, and the others through the staging table.
        long[] ids = recordsAreNew ? [1L, 3L] : [1L, 2L];
        var results = await target.WriteAsync(
            NewBatch(ids, recordsAreNew, () => proxy.CutAfter(0, ProxyDirection.ToClient)), CancellationToken.None);

        Assert.Equal(1, proxy.Cuts);
        Assert.Equal(
            recordsAreNew ? [RecordOutcome.Inserted, RecordOutcome.Inserted] : [RecordOutcome.Inserted, RecordOutcome.Updated],
            results.Select(result => result.Outcome));
        Assert.Equal(recordsAreNew ? 3 : 2, (await database.QueryAsync("SELECT id FROM people")).Count);
    }

    [Fact]
    public async Task Lost_commit_request_rolls_back()
    {
        var database = await postgres.CreateDatabaseAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text)");
        await using var proxy = TcpFaultProxy.Start(postgres.Server);
        await using var target = CreateTarget(database, proxy);

        // The connection breaks before the COMMIT reaches the server, which then aborts the transaction.
        var exception = await Assert.ThrowsAsync<ConnectorException>(() => target.WriteAsync(
            NewBatch([1L, 2L], recordsAreNew: false, () => proxy.CutAfter(0, ProxyDirection.ToServer)), CancellationToken.None));

        Assert.Equal(1, proxy.Cuts);
        Assert.True(exception.IsTransient);
        Assert.False(exception.MayHaveCommitted);
        Assert.Contains("none of them were written", exception.Message, StringComparison.Ordinal);
        Assert.Empty(await database.QueryAsync("SELECT id FROM people"));
    }

    [Fact]
    public async Task Unreachable_after_lost_reply_may_have_committed()
    {
        var database = await postgres.CreateDatabaseAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text)");
        await using var proxy = TcpFaultProxy.Start(postgres.Server);
        await using var target = CreateTarget(database, proxy);

        // The server stays unreachable after the cut, so no session can ask it for the outcome.
        var exception = await Assert.ThrowsAsync<ConnectorException>(() => target.WriteAsync(
            NewBatch([1L, 2L], recordsAreNew: false, () => proxy.CutAfter(0, ProxyDirection.ToClient, rejectAfter: true)), CancellationToken.None));

        Assert.True(exception.IsTransient);
        Assert.True(exception.MayHaveCommitted);
        Assert.Contains("may have been written", exception.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await database.QueryAsync("SELECT id FROM people")).Count);
    }

    [Fact]
    public async Task Server_without_status_writes_and_may_have_committed()
    {
        // A function earlier on the search path hides txid_current, as on a server that speaks PostgreSQL's protocol
        // without it. Reading it inside a batch's transaction would abort the batch.
        var database = await postgres.CreateDatabaseAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text)");
        await database.ExecuteAsync($"""
            CREATE FUNCTION public.txid_current() RETURNS bigint LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION USING ERRCODE = 'undefined_function', MESSAGE = 'function txid_current() does not exist';
            END $$;
            ALTER DATABASE "{database.Name}" SET search_path = public, pg_catalog;
            """);
        await using var proxy = TcpFaultProxy.Start(postgres.Server);
        await using var target = CreateTarget(database, proxy);

        var written = await target.WriteAsync(NewBatch([1L], recordsAreNew: true, () => { }), CancellationToken.None);
        var exception = await Assert.ThrowsAsync<ConnectorException>(() => target.WriteAsync(
            NewBatch([2L], recordsAreNew: true, () => proxy.CutAfter(0, ProxyDirection.ToClient)), CancellationToken.None));

        Assert.Equal(RecordOutcome.Inserted, Assert.Single(written).Outcome);
        Assert.True(exception.MayHaveCommitted);
        Assert.Equal(2, (await database.QueryAsync("SELECT id FROM people")).Count);
    }

    [Fact]
    public async Task Ended_session_during_check_checks_again()
    {
        var database = await postgres.CreateDatabaseAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text)");
        await using var proxy = TcpFaultProxy.Start(postgres.Server);
        await using var target = CreateTarget(database, proxy);

        // The describe leaves an idle session in the pool, which the server then ends, so the first write's check
        // fails on it. The check must not conclude that the server lacks the functions.
        Assert.NotNull(await target.DescribeObjectAsync("public.people", CancellationToken.None));
        await database.ExecuteAsync(
            $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database.Name}' AND pid <> pg_backend_pid()");
        var first = await target.WriteAsync(NewBatch([1L], recordsAreNew: true, () => { }), CancellationToken.None);
        var second = await target.WriteAsync(
            NewBatch([2L], recordsAreNew: true, () => proxy.CutAfter(0, ProxyDirection.ToClient)), CancellationToken.None);

        Assert.Equal(RecordOutcome.Inserted, Assert.Single(first).Outcome);
        Assert.Equal(RecordOutcome.Inserted, Assert.Single(second).Outcome);
        Assert.Equal(1, proxy.Cuts);
        Assert.Equal(2, (await database.QueryAsync("SELECT id FROM people")).Count);
    }

    private ITargetConnector CreateTarget(PostgresDatabase database, TcpFaultProxy proxy)
    {
        var configuration = database.Configuration;
        configuration["port"] = proxy.Port;
        return _factory.CreateTarget(configuration, Environment);
    }

    /// <summary>Upserts one record for each id, and runs <paramref name="beforeCommit"/> right before the commit.</summary>
    private static WriteBatch NewBatch(long[] ids, bool recordsAreNew, Action beforeCommit) =>
        new("public.people", "id", ["id", "name"], ids.Select(id => new TargetRecord(RecordOperation.Upsert, id, [id, "name " + id])).ToList())
        {
            RecordsAreNew = recordsAreNew,
            BeforeCommit = _ =>
            {
                beforeCommit();
                return Task.CompletedTask;
            },
        };
}
