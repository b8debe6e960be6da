using Npgsql;
using Outflow.Testing;

namespace Outflow.Store.Tests.PostgreSql;

[Collection(PostgresFixture.CollectionName)]
public sealed class StoreConcurrencyPostgreSqlTests : StoreConcurrencyTests
{
    private readonly PostgresFixture _postgres;

    public StoreConcurrencyPostgreSqlTests(PostgresFixture postgres)
        : base(postgres)
    {
        _postgres = postgres;
    }

    /// <summary>
    /// Holds both creators between their check for an unfinished execution and their insert, the window in
    /// which two creators without a lock on the sync would both insert. An EXCLUSIVE lock on executions
    /// blocks inserts but not reads, so a creator that got past its check waits there until it is released.
    /// </summary>
    [Fact]
    public async Task CreateIfIdleAsync_held_at_insert_creates_one()
    {
        await using var first = await TestStore.CreateAsync(_postgres);
        await using var second = first.OpenSecondInstance();
        var (_, _, _, sync) = await first.AddSyncWithParentsAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));

        await using var blocker = new NpgsqlConnection(first.PostgresDatabase!.ConnectionString);
        await blocker.OpenAsync(timeout.Token);
        await using var transaction = await blocker.BeginTransactionAsync(timeout.Token);
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE executions IN EXCLUSIVE MODE", blocker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync(timeout.Token);
        }

        var creators = new[] { first, second }
            .Select((store, i) => Task.Run(() => store.Executions.CreateIfIdleAsync(
                TestStore.NewExecution(sync, TestStore.BaseTime.AddSeconds(i)), timeout.Token)))
            .ToList();

        // Both creators are blocked once two sessions wait on a lock: one on the insert, the other on the
        // sync's row (or, without that row lock, also on the insert).
        // The polling needs a connection of its own, because a transaction reads pg_stat_activity only once.
        await using var observer = new NpgsqlConnection(first.PostgresDatabase.ConnectionString);
        await observer.OpenAsync(timeout.Token);
        while (await CountLockWaitersAsync(observer, timeout.Token) < 2)
        {
            await Task.Delay(20, timeout.Token);
        }

        await transaction.CommitAsync(timeout.Token);
        var results = await Task.WhenAll(creators);

        Assert.Single(results, result => result.Created);
        Assert.Single(results.Select(result => result.Execution.Id).Distinct());
        Assert.Equal(1, await first.ScalarAsync("SELECT COUNT(*) FROM executions"));
    }

    private static async Task<long> CountLockWaitersAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
            connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
