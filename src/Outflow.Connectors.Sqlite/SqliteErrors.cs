using Microsoft.Data.Sqlite;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Sqlite;

/// <summary>Turns SQLite failures into <see cref="ConnectorException"/>s.</summary>
internal static class SqliteErrors
{
    private const int Busy = 5;
    private const int Locked = 6;

    /// <summary>Wraps <paramref name="exception"/> with <paramref name="action"/> in front of SQLite's message; a busy or locked database is transient.</summary>
    public static ConnectorException Wrap(SqliteException exception, string action) =>
        new($"{action}: {exception.Message}", exception.SqliteErrorCode is Busy or Locked, exception);
}
