using System.Data.Common;
using System.Text;
using Dapper;
using Microsoft.Extensions.Logging;
using Outflow.Core;
using Outflow.Core.Executions;
using Outflow.Store.Rows;

namespace Outflow.Store;

/// <summary>
/// Executions and their status transitions. Each transition is one conditional UPDATE, so two processes
/// racing on the same execution cannot both win.
/// </summary>
internal sealed class ExecutionStore : IExecutionStore
{
    /// <summary>
    /// How long a claim waits for another session's lock on the execution's row. Store writers hold that lock for one
    /// statement or the short end of a transaction, so a longer wait means a stalled holder, and the job tries the claim
    /// again later.
    /// </summary>
    private static readonly TimeSpan ClaimLockTimeout = TimeSpan.FromSeconds(5);

    private const string ConfigurationColumn = "executions.configuration";
    private const string PassphraseColumn = "executions.encryption_passphrase";

    private readonly IStoreDatabase _database;
    private readonly SecretProtector _protector;
    private readonly ILogger<ExecutionStore> _logger;

    public ExecutionStore(IStoreDatabase database, SecretProtector protector, ILogger<ExecutionStore> logger)
    {
        _database = database;
        _protector = protector;
        _logger = logger;
    }

    public async Task<(Execution Execution, bool Created)> CreateIfIdleAsync(
        Execution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        var row = ToRow(execution);
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);

        // Locking the sync's row makes concurrent creators for one sync, in any process, take turns, so
        // the check for an unfinished execution below and the insert act as one step.
        var lockedSync = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT id FROM syncs WHERE organization_id = @OrganizationId AND id = @SyncId" + _database.LockRowsClause,
            new { row.OrganizationId, row.SyncId },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (lockedSync is null)
        {
            throw OutflowException.NotFound($"sync {execution.SyncId} not found. Another request may have deleted it.");
        }

        // A repeated or recovered firing of one schedule trigger finds the execution its first firing created, in any
        // status. The unique index on (sync_id, scheduled_for) backs this check.
        if (row.ScheduledFor is not null)
        {
            var scheduled = await connection.QueryFirstOrDefaultAsync<ExecutionRow>(new CommandDefinition(
                ExecutionSql.SelectColumns + " WHERE sync_id = @SyncId AND scheduled_for = @ScheduledFor",
                new { row.SyncId, row.ScheduledFor },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (scheduled is not null)
            {
                return (ToExecution(scheduled), false);
            }
        }

        var current = await connection.QueryFirstOrDefaultAsync<ExecutionRow>(new CommandDefinition(
            ExecutionSql.SelectColumns + $" WHERE sync_id = @SyncId AND {ExecutionSql.Unfinished} ORDER BY sort_key, id LIMIT 1",
            new { row.SyncId },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (current is not null)
        {
            return (ToExecution(current), false);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO executions
                (id, organization_id, sync_id, status, type, created_at, started_at, completed_at, sort_key,
                 count_total, count_insert, count_update, count_upserts, count_delete, count_error, count_warnings,
                 errors, configuration, encryption_passphrase, options, cancel_requested, scheduled_for)
            VALUES
                (@Id, @OrganizationId, @SyncId, @Status, @Type, @CreatedAt, @StartedAt, @CompletedAt, @SortKey,
                 @CountTotal, @CountInsert, @CountUpdate, @CountUpserts, @CountDelete, @CountError, @CountWarnings,
                 @Errors, @Configuration, @EncryptionPassphrase, @Options, @CancelRequested, @ScheduledFor)
            """,
            row,
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (execution, true);
    }

    public Task<Execution?> GetAsync(Guid organizationId, Guid syncId, Guid id, CancellationToken cancellationToken) =>
        QuerySingleAsync(
            " WHERE organization_id = @OrganizationId AND sync_id = @SyncId AND id = @Id",
            new
            {
                OrganizationId = StoreValues.ToText(organizationId),
                SyncId = StoreValues.ToText(syncId),
                Id = StoreValues.ToText(id),
            },
            cancellationToken);

    public Task<Execution?> GetByIdAsync(Guid id, CancellationToken cancellationToken) =>
        QuerySingleAsync(" WHERE id = @Id", new { Id = StoreValues.ToText(id) }, cancellationToken);

    public async Task<IReadOnlyList<Execution>> ListAsync(
        Guid organizationId, Guid syncId, ExecutionListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        var sql = new StringBuilder(ExecutionSql.SelectColumns)
            .Append(" WHERE organization_id = @OrganizationId AND sync_id = @SyncId");
        var parameters = new DynamicParameters();
        parameters.Add("OrganizationId", StoreValues.ToText(organizationId));
        parameters.Add("SyncId", StoreValues.ToText(syncId));
        if (query.OnlyCompleted)
        {
            sql.Append(" AND ").Append(ExecutionSql.Finished);
        }

        if (query.After is not null)
        {
            // Both columns flip together, so the page starts strictly after the cursor in either direction.
            sql.Append(query.Ascending
                ? " AND (sort_key, id) > (@AfterSortKey, @AfterId)"
                : " AND (sort_key, id) < (@AfterSortKey, @AfterId)");
            parameters.Add("AfterSortKey", query.After.SortKey);
            parameters.Add("AfterId", StoreValues.ToText(query.After.Id));
        }

        sql.Append(query.Ascending ? " ORDER BY sort_key ASC, id ASC" : " ORDER BY sort_key DESC, id DESC");
        sql.Append(" LIMIT @Limit");
        parameters.Add("Limit", query.Limit);

        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<ExecutionRow>(new CommandDefinition(
            sql.ToString(), parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(ToExecution).ToList();
    }

    public Task<Execution?> GetCurrentAsync(Guid organizationId, Guid syncId, CancellationToken cancellationToken) =>
        QuerySingleAsync(
            $" WHERE organization_id = @OrganizationId AND sync_id = @SyncId AND {ExecutionSql.Unfinished}"
            + " ORDER BY sort_key DESC, id DESC LIMIT 1",
            new { OrganizationId = StoreValues.ToText(organizationId), SyncId = StoreValues.ToText(syncId) },
            cancellationToken);

    // A sync has at most one unfinished execution and a new one is created only when none is, so the newest
    // terminal execution by start is also the one that finished last.
    public Task<Execution?> GetLastFinishedAsync(Guid organizationId, Guid syncId, CancellationToken cancellationToken) =>
        QuerySingleAsync(
            $" WHERE organization_id = @OrganizationId AND sync_id = @SyncId AND {ExecutionSql.Finished}"
            + " ORDER BY sort_key DESC, id DESC LIMIT 1",
            new { OrganizationId = StoreValues.ToText(organizationId), SyncId = StoreValues.ToText(syncId) },
            cancellationToken);

    /// <summary>
    /// Claims the lease in one conditional UPDATE, so of two processes racing for one execution only one matches.
    /// A resumed execution keeps its first start time, so its position in execution lists does not move. Only a
    /// started execution can be taken over, so one canceled before it started stays for the runner to settle.
    /// The UPDATE waits at most <see cref="ClaimLockTimeout"/> for another session's lock on the row. After that the
    /// claim reports the execution as held elsewhere, so that its job tries again, instead of failing the job.
    /// </summary>
    public async Task<ExecutionClaim> TryClaimAsync(
        Guid id, string owner, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);
        var token = Guid.NewGuid().ToString("N");
        var nowMilliseconds = StoreValues.ToUnixMilliseconds(now);
        bool claimed;
        try
        {
            claimed = await UpdateClaimAsync(id, owner, token, now, leaseDuration, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException exception) when (_database.IsLockTimeout(exception))
        {
            Log.ClaimLockTimedOut(_logger, id, (long)ClaimLockTimeout.TotalMilliseconds);
            return await ExplainLockedClaimAsync(id, cancellationToken).ConfigureAwait(false);
        }

        if (claimed)
        {
            return new ExecutionClaim(ExecutionClaimStatus.Claimed, token);
        }

        // The update decided the claim. This read only explains a refusal, so a lease that changes in between
        // at worst makes the caller retry sooner or later than needed.
        var lease = await ReadLeaseAsync(id, cancellationToken).ConfigureAwait(false);
        return lease is { Status: "running" or "canceling", LeaseUntil: long until } && until >= nowMilliseconds
            ? new ExecutionClaim(ExecutionClaimStatus.HeldElsewhere, HeldUntil: StoreValues.ToInstant(until), HeldBy: lease.LeaseOwner)
            : new ExecutionClaim(ExecutionClaimStatus.NotStartable);
    }

    private async Task<bool> UpdateClaimAsync(
        Guid id, string owner, string token, DateTimeOffset now, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await _database.SetLockTimeoutAsync(connection, transaction, ClaimLockTimeout, cancellationToken).ConfigureAwait(false);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE executions
            SET status = CASE WHEN status = 'canceling' THEN 'canceling' ELSE 'running' END,
                started_at = COALESCE(started_at, @Now), sort_key = COALESCE(started_at, @Now),
                lease_token = @Token, lease_owner = @Owner, lease_until = @Until
            WHERE id = @Id
              AND (status IN ('created', 'queued')
                   OR (status IN ('running', 'canceling') AND started_at IS NOT NULL
                       AND (lease_until IS NULL OR lease_until < @Now)))
            """,
            new
            {
                Id = StoreValues.ToText(id),
                Token = token,
                Owner = owner,
                Now = StoreValues.ToUnixMilliseconds(now),
                Until = StoreValues.ToUnixMilliseconds(now + leaseDuration),
            },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return updated == 1;
    }

    /// <summary>
    /// Returns the result of a claim that gave up waiting for the row lock. An unfinished execution counts as held by its
    /// current lease owner, even when that lease has expired, so the caller tries again at the expiry or soon after it.
    /// </summary>
    private async Task<ExecutionClaim> ExplainLockedClaimAsync(Guid id, CancellationToken cancellationToken)
    {
        var lease = await ReadLeaseAsync(id, cancellationToken).ConfigureAwait(false);
        if (lease is null || !ExecutionStatuses.TryParse(lease.Status, out var status) || status.IsTerminal())
        {
            return new ExecutionClaim(ExecutionClaimStatus.NotStartable);
        }

        return new ExecutionClaim(
            ExecutionClaimStatus.HeldElsewhere,
            HeldUntil: StoreValues.ToInstant(lease.LeaseUntil),
            HeldBy: lease.LeaseOwner);
    }

    private async Task<LeaseRow?> ReadLeaseAsync(Guid id, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QueryFirstOrDefaultAsync<LeaseRow>(new CommandDefinition(
            "SELECT status AS Status, lease_owner AS LeaseOwner, lease_until AS LeaseUntil FROM executions WHERE id = @Id",
            new { Id = StoreValues.ToText(id) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<bool> RenewLeaseAsync(Guid id, string leaseToken, DateTimeOffset until, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseToken);
        var updated = await ExecuteAsync(
            $"UPDATE executions SET lease_until = @Until WHERE id = @Id AND lease_token = @Token AND {ExecutionSql.Unfinished}",
            new { Id = StoreValues.ToText(id), Token = leaseToken, Until = StoreValues.ToUnixMilliseconds(until) },
            cancellationToken).ConfigureAwait(false);
        return updated == 1;
    }

    public async Task<bool> RequestCancelAsync(Guid id, CancellationToken cancellationToken)
    {
        var updated = await ExecuteAsync(
            $"UPDATE executions SET status = 'canceling', cancel_requested = 1 WHERE id = @Id AND {ExecutionSql.Unfinished}",
            new { Id = StoreValues.ToText(id) },
            cancellationToken).ConfigureAwait(false);
        return updated == 1;
    }

    public async Task<bool> HasCompletedRunAsync(Guid syncId, Guid exceptId, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var found = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            """
            SELECT 1 FROM executions
            WHERE sync_id = @SyncId AND id <> @ExceptId AND status = 'completed' AND type IN ('manual', 'scheduled')
            LIMIT 1
            """,
            new { SyncId = StoreValues.ToText(syncId), ExceptId = StoreValues.ToText(exceptId) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return found is not null;
    }

    /// <summary>Returns true when cancellation was requested, and also when the execution no longer exists.</summary>
    public async Task<bool> IsCancelRequestedAsync(Guid id, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var flag = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT cancel_requested FROM executions WHERE id = @Id",
            new { Id = StoreValues.ToText(id) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return flag is null or not 0;
    }

    public async Task<bool> RequeueAsync(Guid id, string leaseToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseToken);
        var updated = await ExecuteAsync(
            """
            UPDATE executions SET status = 'queued', lease_token = NULL, lease_owner = NULL, lease_until = NULL
            WHERE id = @Id AND status IN ('running', 'canceling') AND lease_token = @Token
            """,
            new { Id = StoreValues.ToText(id), Token = leaseToken },
            cancellationToken).ConfigureAwait(false);
        if (updated == 0)
        {
            Log.RequeueIgnored(_logger, id);
        }

        return updated == 1;
    }

    /// <summary>
    /// Sets the terminal status once. Finishing an execution that is already terminal, or whose lease another token
    /// holds, changes nothing.
    /// </summary>
    public async Task<bool> FinishAsync(
        Guid id, string? leaseToken, ExecutionStatus status, IReadOnlyList<string> errors, DateTimeOffset completedAt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!status.IsTerminal())
        {
            throw new ArgumentException(
                $"Cannot finish execution {id} as {status.ToWire()}: the status must be terminal "
                + "(completed, failed, canceled or interrupted).",
                nameof(status));
        }

        var updated = await ExecuteAsync(
            $"""
            UPDATE executions SET status = @Status, completed_at = @CompletedAt, errors = @Errors
            WHERE id = @Id AND {ExecutionSql.Unfinished} AND {(leaseToken is null ? "lease_token IS NULL" : "lease_token = @Token")}
            """,
            new
            {
                Id = StoreValues.ToText(id),
                Token = leaseToken,
                Status = status.ToWire(),
                CompletedAt = StoreValues.ToUnixMilliseconds(completedAt),
                Errors = StoreJson.Serialize(errors),
            },
            cancellationToken).ConfigureAwait(false);
        if (updated == 0)
        {
            Log.FinishIgnored(_logger, id, status.ToWire());
        }

        return updated == 1;
    }

    public async Task<IReadOnlyList<Execution>> ListUnfinishedAsync(CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<ExecutionRow>(new CommandDefinition(
            ExecutionSql.SelectColumns + $" WHERE {ExecutionSql.Unfinished} ORDER BY created_at, id",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(ToExecution).ToList();
    }

    private async Task<Execution?> QuerySingleAsync(string condition, object parameters, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QueryFirstOrDefaultAsync<ExecutionRow>(new CommandDefinition(
            ExecutionSql.SelectColumns + condition, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row is null ? null : ToExecution(row);
    }

    private async Task<int> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(
            sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private ExecutionRow ToRow(Execution execution)
    {
        var configuration = StoredSyncConfiguration.Protect(execution.Configuration, _protector, PassphraseColumn, execution.Id);
        var counts = execution.Counts;
        return new ExecutionRow
        {
            Id = StoreValues.ToText(execution.Id),
            OrganizationId = StoreValues.ToText(execution.OrganizationId),
            SyncId = StoreValues.ToText(execution.SyncId),
            Status = execution.Status.ToWire(),
            Type = execution.Type,
            CreatedAt = StoreValues.ToUnixMilliseconds(execution.CreatedAt),
            StartedAt = execution.StartedAt is { } startedAt ? StoreValues.ToUnixMilliseconds(startedAt) : null,
            CompletedAt = execution.CompletedAt is { } completedAt ? StoreValues.ToUnixMilliseconds(completedAt) : null,
            SortKey = StoreValues.ToUnixMilliseconds(execution.StartedAt ?? execution.CreatedAt),
            CountTotal = counts.Total,
            CountInsert = counts.Insert,
            CountUpdate = counts.Update,
            CountUpserts = counts.Upserts,
            CountDelete = counts.Delete,
            CountError = counts.Error,
            CountWarnings = counts.Warnings,
            Errors = StoreJson.Serialize(execution.Errors),
            Configuration = configuration.Json,
            EncryptionPassphrase = configuration.EncryptedPassphrase,
            Options = StoreJson.Serialize(execution.Options),
            CancelRequested = execution.CancelRequested ? 1 : 0,
            ScheduledFor = execution.ScheduledFor is { } scheduledFor ? StoreValues.ToUnixMilliseconds(scheduledFor) : null,
        };
    }

    private Execution ToExecution(ExecutionRow row)
    {
        var id = StoreValues.ToGuid(row.Id);
        if (!ExecutionStatuses.TryParse(row.Status, out var status))
        {
            throw new InvalidDataException($"Execution {id} has the unknown stored status \"{row.Status}\".");
        }

        return new Execution
        {
            Id = id,
            OrganizationId = StoreValues.ToGuid(row.OrganizationId),
            SyncId = StoreValues.ToGuid(row.SyncId),
            Status = status,
            Type = row.Type,
            CreatedAt = StoreValues.ToInstant(row.CreatedAt),
            StartedAt = StoreValues.ToInstant(row.StartedAt),
            CompletedAt = StoreValues.ToInstant(row.CompletedAt),
            Counts = new ExecutionCounts(
                row.CountTotal, row.CountInsert, row.CountUpdate, row.CountUpserts, row.CountDelete, row.CountError,
                row.CountWarnings),
            Errors = StoreJson.Deserialize<List<string>>(row.Errors, "executions.errors"),
            Configuration = StoredSyncConfiguration.Unprotect(
                row.Configuration, row.EncryptionPassphrase, _protector, ConfigurationColumn, PassphraseColumn, id),
            Options = StoreJson.Deserialize<ExecutionOptions>(row.Options, "executions.options"),
            CancelRequested = row.CancelRequested != 0,
            ScheduledFor = StoreValues.ToInstant(row.ScheduledFor),
        };
    }

    private sealed class LeaseRow
    {
        public string Status { get; set; } = "";

        public string? LeaseOwner { get; set; }

        public long? LeaseUntil { get; set; }
    }
}
