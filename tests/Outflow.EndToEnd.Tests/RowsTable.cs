using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using Outflow.Testing;

namespace Outflow.EndToEnd.Tests;

/// <summary>
/// The <c>rows</c> table of <see cref="RowsSync"/> with a name and an amount per row: the SQLite source, the PostgreSQL
/// target, and a summary of the target that shows lost, duplicated and changed rows.
/// </summary>
internal static class RowsTable
{
    /// <summary>Returns the amount of row <paramref name="id"/>, which repeats every 1,000 rows.</summary>
    public static decimal Amount(int id) => id % 1000 / 100m;

    /// <summary>Returns the sum of the amounts of rows 1 to <paramref name="rows"/>.</summary>
    public static decimal ExpectedTotal(int rows) => Enumerable.Range(1, rows).Sum(Amount);

    /// <summary>Creates the SQLite file <paramref name="path"/> with a <c>rows</c> table of rows 1 to <paramref name="rows"/>.</summary>
    public static async Task WriteSourceAsync(string path, int rows)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE rows (id INTEGER PRIMARY KEY, name TEXT, amount TEXT)";
            await create.ExecuteNonQueryAsync();
        }

        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO rows VALUES ($id, $name, $amount)";
        var id = insert.Parameters.Add("$id", SqliteType.Integer);
        var name = insert.Parameters.Add("$name", SqliteType.Text);
        var amount = insert.Parameters.Add("$amount", SqliteType.Text);
        for (var i = 1; i <= rows; i++)
        {
            id.Value = i;
            name.Value = $"row {i} ✓";
            amount.Value = Amount(i).ToString(CultureInfo.InvariantCulture);
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <summary>Creates the empty target table <c>public.rows</c>.</summary>
    public static async Task CreateTargetAsync(PostgresDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "CREATE TABLE public.rows (id bigint PRIMARY KEY, name text, amount numeric(12, 2))", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Returns the target's row count, distinct id count and sum of amounts.</summary>
    public static async Task<(long Count, long Distinct, decimal Total)> SummarizeAsync(PostgresDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*), count(DISTINCT id), coalesce(sum(amount), 0) FROM public.rows", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetDecimal(2));
    }
}
