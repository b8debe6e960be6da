using System.Globalization;
using Npgsql;

namespace Outflow.Bench;

/// <summary>The change set applied to the source before one execution, with the row counts the statements changed.</summary>
internal sealed record ChangeSet(long Inserts, long Updates, long Deletes);

/// <summary>
/// The benchmark cluster: the deterministic generator, change sets, target checks and the psql baselines. Both sides
/// of every comparison run on this one cluster, so its settings (such as <c>fsync=off</c>) apply to both alike.
/// </summary>
internal sealed class Postgres : IAsyncDisposable
{
    /// <summary>The 12 columns of the generated model in table order.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "id", "quantity", "rank", "amount", "rate", "score", "weight", "code", "name", "note", "created_at", "active",
    ];

    private readonly NpgsqlDataSource _dataSource;

    public Postgres(int port)
    {
        Port = port;
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "postgres",
            Database = "postgres",
            CommandTimeout = 0,
        };
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        PsqlEnvironment = new Dictionary<string, string>
        {
            ["PGHOST"] = "127.0.0.1",
            ["PGPORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["PGUSER"] = "postgres",
            ["PGDATABASE"] = "postgres",
        };
    }

    public int Port { get; }

    /// <summary>Environment that points psql at the cluster.</summary>
    public IReadOnlyDictionary<string, string> PsqlEnvironment { get; }

    /// <summary>The model's query: every column of the table, optionally only ids up to a maximum.</summary>
    public static string ModelQuery(string table, long? maxId = null) =>
        $"SELECT {string.Join(", ", Columns)} FROM public.{table}" +
        (maxId is null ? "" : $" WHERE id <= {maxId.Value.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>
    /// Creates <paramref name="table"/> with rows 1 to <paramref name="rows"/> from the generator. The same ids always
    /// get the same values, so every run reads the same data.
    /// </summary>
    public async Task GenerateAsync(string table, long rows, CancellationToken cancellationToken)
    {
        await ExecuteAsync(
            $"""
            DROP TABLE IF EXISTS public.{table};
            CREATE TABLE public.{table} (
                id bigint PRIMARY KEY,
                quantity integer NOT NULL,
                rank integer,
                amount numeric(12, 2) NOT NULL,
                rate numeric(18, 6),
                score double precision NOT NULL,
                weight double precision,
                code varchar(8) NOT NULL,
                name varchar(60) NOT NULL,
                note varchar(200),
                created_at timestamptz NOT NULL,
                active boolean NOT NULL
            );
            {InsertGeneratedSql(table, 1, rows)}
            ANALYZE public.{table};
            """,
            cancellationToken);
    }

    /// <summary>Creates an empty table with the columns and primary key of <paramref name="like"/>.</summary>
    public Task CreateEmptyCopyAsync(string table, string like, CancellationToken cancellationToken) =>
        ExecuteAsync(
            $"DROP TABLE IF EXISTS public.{table}; CREATE TABLE public.{table} (LIKE public.{like} INCLUDING ALL);",
            cancellationToken);

    public Task TruncateAsync(string table, CancellationToken cancellationToken) =>
        ExecuteAsync($"TRUNCATE public.{table}", cancellationToken);

    public async Task<long> CountAsync(string table, CancellationToken cancellationToken) =>
        (long)(await ScalarAsync($"SELECT count(*) FROM public.{table}", cancellationToken))!;

    /// <summary>
    /// Returns a digest of every row's id and xmin (the id of the transaction that wrote the row version). Any insert,
    /// update or delete changes it, even an update that writes the same values, because that creates a new row
    /// version with a new xmin.
    /// </summary>
    public async Task<string> WriteSignatureAsync(string table, CancellationToken cancellationToken) =>
        (string)(await ScalarAsync(
            $"SELECT count(*) || ':' || coalesce(md5(string_agg(id || '/' || xmin::text, ',' ORDER BY id)), '') FROM public.{table}",
            cancellationToken))!;

    /// <summary>Returns the number of rows that are in one table and not in the other, comparing every column.</summary>
    public async Task<long> CountDifferencesAsync(string left, string right, CancellationToken cancellationToken)
    {
        var columns = string.Join(", ", Columns);
        return (long)(await ScalarAsync(
            $"""
            SELECT (SELECT count(*) FROM (SELECT {columns} FROM public.{left} EXCEPT ALL SELECT {columns} FROM public.{right}) l)
                 + (SELECT count(*) FROM (SELECT {columns} FROM public.{right} EXCEPT ALL SELECT {columns} FROM public.{left}) r)
            """,
            cancellationToken))!;
    }

    /// <summary>
    /// Applies change set number <paramref name="index"/> to a table generated with <paramref name="rows"/> rows:
    /// 0.25% of the rows inserted, 0.5% updated and 0.25% deleted (at least one each). Each index touches other rows:
    /// updates take even ids and deletes odd ids, so an earlier set never deletes a row that a later one updates.
    /// Returns the rows each statement changed.
    /// </summary>
    public async Task<ChangeSet> ApplyChangeSetAsync(string table, long rows, int index, CancellationToken cancellationToken)
    {
        if (index >= 100)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, "At most 100 distinct change sets exist.");
        }

        var insertCount = Math.Max(1, rows / 400);
        var updateStride = Math.Min(200, rows);
        var deleteStride = Math.Min(400, rows);
        var firstInsert = rows + 1 + (index * insertCount);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long inserts = await ExecuteAsync(connection, InsertGeneratedSql(table, firstInsert, firstInsert + insertCount - 1), cancellationToken);
        long updates = await ExecuteAsync(
            connection,
            $"""
            UPDATE public.{table}
            SET quantity = quantity + 1, amount = amount + 0.01, note = 'changed by set {index}', created_at = created_at + interval '1 day'
            WHERE id <= {rows} AND id % {updateStride} = {(2 * index) % updateStride}
            """,
            cancellationToken);
        long deletes = await ExecuteAsync(
            connection,
            $"DELETE FROM public.{table} WHERE id <= {rows} AND id % {deleteStride} = {((4 * index) + 1) % deleteStride}",
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ChangeSet(inserts, updates, deletes);
    }

    public async Task<string> ServerVersionAsync(CancellationToken cancellationToken) =>
        (string)(await ScalarAsync("SHOW server_version", cancellationToken))!;

    /// <summary>
    /// Times the baseline of a full copy: <c>psql -c "COPY (query) TO STDOUT" | psql -c "COPY target FROM STDIN"</c>,
    /// two psql processes joined by one shell pipe.
    /// </summary>
    public async Task<TimeSpan> TimeCopyPipeAsync(string query, string targetTable, CancellationToken cancellationToken)
    {
        var script = $"psql -X -q -v ON_ERROR_STOP=1 -c {Shell.Quote($"COPY ({query}) TO STDOUT")} " +
            $"| psql -X -q -v ON_ERROR_STOP=1 -c {Shell.Quote($"COPY public.{targetTable} FROM STDIN")}";
        return (await Shell.RunAsync(script, PsqlEnvironment, cancellationToken)).Elapsed;
    }

    /// <summary>Times the baseline of a bare read: <c>psql -c "COPY (query) TO STDOUT" &gt; /dev/null</c>.</summary>
    public async Task<TimeSpan> TimeReadAsync(string query, CancellationToken cancellationToken)
    {
        var script = $"psql -X -q -v ON_ERROR_STOP=1 -c {Shell.Quote($"COPY ({query}) TO STDOUT")} >/dev/null";
        return (await Shell.RunAsync(script, PsqlEnvironment, cancellationToken)).Elapsed;
    }

    /// <summary>Writes the query's rows to a CSV file without a header line.</summary>
    public Task ExportCsvAsync(string query, string path, CancellationToken cancellationToken) =>
        Shell.RunAsync(
            $"psql -X -q -v ON_ERROR_STOP=1 -c {Shell.Quote($"COPY ({query}) TO STDOUT WITH (FORMAT csv)")} >{Shell.Quote(path)}",
            PsqlEnvironment,
            cancellationToken);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <summary>
    /// The generator: an INSERT of ids <paramref name="first"/> to <paramref name="last"/> whose values are functions
    /// of the id only. Text columns vary in length (names 7 to 32 characters up to id 9,999,999, notes 32 to 160).
    /// </summary>
    private static string InsertGeneratedSql(string table, long first, long last) =>
        $"""
        INSERT INTO public.{table}
        SELECT i,
               ((i * 7919) % 1000000)::integer,
               CASE WHEN i % 10 = 0 THEN NULL ELSE ((i % 2001) - 1000)::integer END,
               ((i * 37) % 10000000) / 100.0,
               CASE WHEN i % 7 = 0 THEN NULL ELSE ((i * 13) % 1000000007) / 1000000.0 END,
               i / 7.0,
               CASE WHEN i % 11 = 0 THEN NULL ELSE sqrt(i::double precision) END,
               'C' || lpad((i % 1000000)::text, 7, '0'),
               'name ' || i || ' ' || repeat('ü', (i % 20)::integer),
               CASE WHEN i % 13 = 0 THEN NULL ELSE repeat(md5(i::text), 1 + (i % 5)::integer) END,
               timestamptz '2025-01-01 00:00:00+00' + i * interval '1 second',
               i % 3 = 0
        FROM generate_series({first}::bigint, {last}::bigint) AS i;
        """;

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, sql, cancellationToken);
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(sql);
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
