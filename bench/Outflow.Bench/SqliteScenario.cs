using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Outflow.Bench;

/// <summary>
/// Scenario 7: a full sync from PostgreSQL into a SQLite table against the sqlite3 shell importing a CSV export of the
/// same rows into a table of the same definition. Each run writes a new database file.
/// </summary>
internal sealed class SqliteScenario(BenchOptions options, Postgres postgres, OutflowServer server)
{
    private const string Table = "bench_target";

    /// <summary>The target table of both sides. SQLite takes the declared types as type affinities.</summary>
    private const string CreateTableSql =
        $"""
        CREATE TABLE {Table} (
            id INTEGER PRIMARY KEY, quantity INTEGER, rank INTEGER, amount NUMERIC, rate NUMERIC, score REAL, weight REAL,
            code VARCHAR(8), name VARCHAR(60), note VARCHAR(200), created_at TIMESTAMP, active BOOLEAN
        );
        """;

    public async Task<JsonObject> RunAsync(CancellationToken cancellationToken)
    {
        var api = server.Api;
        var query = Postgres.ModelQuery(PostgresScenarios.SourceTable);
        var rows = await postgres.CountAsync(PostgresScenarios.SourceTable, cancellationToken);
        var csv = Path.Combine(options.WorkDirectory, "bench_source.csv");
        await postgres.ExportCsvAsync(query, csv, cancellationToken);

        var sourceId = await api.CreatePostgresConnectionAsync("bench sqlite source", postgres.Port, cancellationToken);
        var modelId = await api.CreateQueryModelAsync("bench sqlite", sourceId, query, cancellationToken);
        var ratios = new List<double>();
        var outflowSeconds = new List<double>();
        var shellSeconds = new List<double>();
        string? previousTarget = null;
        for (var pair = 0; pair < options.Pairs; pair++)
        {
            double shell, outflow;
            if (pair % 2 == 0)
            {
                shell = await RunShellImportAsync(csv, pair, rows, cancellationToken);
                (outflow, previousTarget) = await RunOutflowAsync(modelId, previousTarget, pair, rows, cancellationToken);
            }
            else
            {
                (outflow, previousTarget) = await RunOutflowAsync(modelId, previousTarget, pair, rows, cancellationToken);
                shell = await RunShellImportAsync(csv, pair, rows, cancellationToken);
            }

            shellSeconds.Add(shell);
            outflowSeconds.Add(outflow);
            ratios.Add(shell / outflow);
            Progress.Write($"sqlite pair {pair + 1}: outflow {outflow:F2} s, sqlite3 {shell:F2} s, ratio {shell / outflow:F3}");
        }

        var result = Results.Ratio(Results.Median(ratios), Target.AtLeast(0.8));
        result["rows"] = rows;
        result["outflow_rows_per_second"] = Math.Round(rows / Results.Median(outflowSeconds));
        result["sqlite3_rows_per_second"] = Math.Round(rows / Results.Median(shellSeconds));
        result["outflow_seconds"] = Results.ToJson(outflowSeconds);
        result["sqlite3_seconds"] = Results.ToJson(shellSeconds);
        result["pair_ratios"] = Results.ToJson(ratios);
        return result;
    }

    /// <summary>Times <c>sqlite3 FILE</c> creating the table and running <c>.import --csv</c> of the export.</summary>
    private async Task<double> RunShellImportAsync(string csv, int pair, long rows, CancellationToken cancellationToken)
    {
        var database = Path.Combine(options.WorkDirectory, $"sqlite3-{pair.ToString(CultureInfo.InvariantCulture)}.sqlite");
        var script = $"sqlite3 -bail {Shell.Quote(database)} <<'SQL'\n{CreateTableSql}\n.import --csv {Shell.Quote(csv)} {Table}\nSQL";
        var (elapsed, _) = await Shell.RunAsync(script, new Dictionary<string, string>(), cancellationToken);
        await RequireRowCountAsync(database, rows, "the sqlite3 import", cancellationToken);
        File.Delete(database);
        return elapsed.TotalSeconds;
    }

    /// <summary>
    /// Times the first execution of a new sync into an empty table in a new file, and deletes the previous pair's
    /// connection (with its sync) and file first. Returns the time and the new connection's id.
    /// </summary>
    private async Task<(double Seconds, string ConnectionId)> RunOutflowAsync(
        string modelId, string? previousConnectionId, int pair, long rows, CancellationToken cancellationToken)
    {
        var api = server.Api;
        if (previousConnectionId is not null)
        {
            await api.DeleteConnectionAsync(previousConnectionId, cancellationToken);
        }

        var fileName = $"outflow-{pair.ToString(CultureInfo.InvariantCulture)}.sqlite";
        var database = Path.Combine(server.FilesRoot, fileName);
        await using (var connection = new SqliteConnection(ConnectionString(database)))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = CreateTableSql;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var targetId = await api.CreateSqliteConnectionAsync($"bench sqlite {pair}", fileName, cancellationToken);
        var syncId = await api.CreateReplaceSyncAsync("bench sqlite", modelId, targetId, Table, Postgres.Columns, cancellationToken);
        var execution = await api.RunExecutionAsync(syncId, cancellationToken);
        var counts = PostgresScenarios.RequireCompleted(execution, "sqlite full sync");
        if (counts.Insert != rows)
        {
            throw new BenchCheckException($"The sqlite full sync execution {execution.Id} counted {counts.Insert} inserts, expected {rows}.");
        }

        await RequireRowCountAsync(database, rows, $"the sqlite full sync execution {execution.Id}", cancellationToken);
        return (execution.Elapsed.TotalSeconds, targetId);
    }

    private static async Task RequireRowCountAsync(string database, long expected, string writer, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(ConnectionString(database));
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {Table}";
        var count = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        if (count != expected)
        {
            throw new BenchCheckException($"{database} contains {count} rows after {writer}, expected {expected}.");
        }
    }

    private static string ConnectionString(string database) =>
        new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString();
}
