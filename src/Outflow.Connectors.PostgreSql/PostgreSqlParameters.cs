using Npgsql;
using NpgsqlTypes;

namespace Outflow.Connectors.PostgreSql;

/// <summary>
/// Turns converted values into statement parameters. Values travel as text and the statement casts each one to its
/// column's type, so PostgreSQL's own input rules decide what a column accepts: "1.5" fails for an integer column and
/// "abc" fails for a json column. <see cref="PostgreSqlValues"/> first rejects what those rules would change silently.
/// </summary>
internal static class PostgreSqlParameters
{
    public static NpgsqlParameter Create(object? value) =>
        value switch
        {
            null => new NpgsqlParameter { Value = DBNull.Value },
            byte[] bytes => new NpgsqlParameter { Value = bytes, NpgsqlDbType = NpgsqlDbType.Bytea },
            string text => new NpgsqlParameter { Value = text, NpgsqlDbType = NpgsqlDbType.Text },
            _ => throw new ArgumentException($"a converted value must be null, text or bytes, not {value.GetType().Name}", nameof(value)),
        };
}
