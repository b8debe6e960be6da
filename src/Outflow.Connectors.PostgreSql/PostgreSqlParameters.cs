using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Outflow.Connectors.PostgreSql;

/// <summary>
/// Turns reader-contract values into statement parameters. Values travel as text and the statement casts each
/// one to its column's type, so PostgreSQL's own input rules decide what a column accepts: "1.5" fails for an
/// integer column and "abc" fails for a json column, instead of being rounded or coerced on the way.
/// </summary>
internal static class PostgreSqlParameters
{
    public static NpgsqlParameter Create(object? value) =>
        value switch
        {
            null => new NpgsqlParameter { Value = DBNull.Value },
            byte[] bytes => new NpgsqlParameter { Value = bytes, NpgsqlDbType = NpgsqlDbType.Bytea },
            _ => new NpgsqlParameter { Value = ToText(value), NpgsqlDbType = NpgsqlDbType.Text },
        };

    public static string ToText(object value) =>
        value switch
        {
            string text => text,
            bool boolean => boolean ? "true" : "false",
            long number => number.ToString(CultureInfo.InvariantCulture),
            decimal number => number.ToString(CultureInfo.InvariantCulture),
            double number => number.ToString("R", CultureInfo.InvariantCulture),
            DateTimeOffset instant => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
            DateTime timestamp => timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
            DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            TimeOnly time => time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };
}
