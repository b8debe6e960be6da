using Microsoft.Data.Sqlite;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Tests;

/// <summary>A temporary files root with SQLite databases made by the tests; removed on dispose.</summary>
internal sealed class SqliteFiles : IDisposable
{
    public SqliteFiles()
    {
        var temporary = Path.Combine(Path.GetTempPath(), "outflow-sqlite-" + Guid.NewGuid().ToString("N"));
        Root = Path.Combine(temporary, "files");
        Outside = Path.Combine(temporary, "outside");
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Outside);
        Environment = new ConnectorEnvironment(Root);
    }

    public string Root { get; }

    /// <summary>A directory next to the files root, for files that connections must not reach.</summary>
    public string Outside { get; }

    public ConnectorEnvironment Environment { get; }

    /// <summary>Creates <paramref name="name"/> in the files root and runs <paramref name="sql"/> in it.</summary>
    public string CreateDatabase(string name, string sql)
    {
        var path = Path.Combine(Root, name);
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
        return path;
    }

    /// <summary>Creates <paramref name="name"/> outside the files root, runs <paramref name="sql"/> in it and returns its path.</summary>
    public string CreateOutsideDatabase(string name, string sql) => CreateDatabase(Path.Combine(Outside, name), sql);

    public List<object?[]> Query(string name, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(Root, name)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
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

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(Root)!, recursive: true);
    }
}
