using Npgsql;
using Outflow.Testing;

namespace Outflow.Connectors.Tests;

internal static class PostgresFixtureExtensions
{
    /// <summary>Creates a fresh database and runs <paramref name="sql"/> in it.</summary>
    public static async Task<PostgresDatabase> CreateDatabaseAsync(this PostgresFixture postgres, string sql)
    {
        var database = await postgres.CreateDatabaseAsync();
        await ExecuteAsync(database, sql);
        return database;
    }

    public static async Task ExecuteAsync(this PostgresDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<List<object?[]>> QueryAsync(this PostgresDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}
