using Npgsql;
using NpgsqlTypes;
using static Outflow.Connectors.PostgreSql.PostgreSqlIdentifiers;

namespace Outflow.Connectors.PostgreSql;

/// <summary>
/// Looks up which identity values have a record, in one statement per call. Values are converted as the write
/// statements convert them, sent as one text array and cast to the column's type on the server, so the comparison
/// uses the column's type and collation exactly as <c>UPDATE … WHERE identity = $1::type</c> does.
/// </summary>
internal static class PostgreSqlIdentityLookup
{
    // SQLSTATE class 22 (data exception) is what a failed input cast raises: invalid text representation, a number out of
    // range, an invalid date. A domain's CHECK constraint fails a cast with check_violation.
    private const string DataExceptionClass = "22";
    private const string CheckViolation = "23514";

    /// <summary>Returns, for each value, whether <paramref name="identity"/> of <paramref name="table"/> has a record equal to it.</summary>
    /// <exception cref="NpgsqlException">The statement failed for another reason than a value the column's type rejects.</exception>
    public static async Task<bool[]> ContainsAsync(
        NpgsqlConnection connection,
        PostgreSqlTable table,
        PostgreSqlColumn identity,
        IReadOnlyList<object> identities,
        CancellationToken cancellationToken)
    {
        var found = new bool[identities.Count];
        var texts = new List<string>(identities.Count);
        var positions = new List<int>(identities.Count);
        for (var i = 0; i < identities.Count; i++)
        {
            // A value the write statements would reject, or NULL, cannot be in the column.
            if (ToText(identities[i], identity) is { } text)
            {
                texts.Add(text);
                positions.Add(i);
            }
        }

        var sql = $"""
            SELECT EXISTS (SELECT 1 FROM {table.QuotedName} WHERE {Quote(identity.Name)} = v.value::{identity.CastType})
            FROM unnest($1::text[]) WITH ORDINALITY AS v(value, ordinal)
            ORDER BY v.ordinal
            """;
        await LookUpAsync(connection, sql, texts, positions, found, cancellationToken).ConfigureAwait(false);
        return found;
    }

    /// <summary>
    /// Runs the lookup for <paramref name="texts"/>. When the server rejects one of the values, the list is split in
    /// halves until each rejected value is alone, and a rejected value is reported as not found.
    /// </summary>
    private static async Task LookUpAsync(
        NpgsqlConnection connection,
        string sql,
        List<string> texts,
        List<int> positions,
        bool[] found,
        CancellationToken cancellationToken)
    {
        if (texts.Count == 0)
        {
            return;
        }

        try
        {
            var command = new NpgsqlCommand(sql, connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(new NpgsqlParameter { Value = texts.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            var index = 0;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found[positions[index]] = reader.GetBoolean(0);
                index++;
            }
        }
        catch (PostgresException exception) when (IsRejectedValue(exception))
        {
            if (texts.Count == 1)
            {
                return;
            }

            var half = texts.Count / 2;
            await LookUpAsync(connection, sql, texts[..half], positions[..half], found, cancellationToken).ConfigureAwait(false);
            await LookUpAsync(connection, sql, texts[half..], positions[half..], found, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsRejectedValue(PostgresException exception) =>
        exception.SqlState.StartsWith(DataExceptionClass, StringComparison.Ordinal) || exception.SqlState == CheckViolation;

    /// <summary>Converts a value as the write statements do and returns its text input form, or null when it cannot be stored.</summary>
    private static string? ToText(object? value, PostgreSqlColumn column)
    {
        PostgreSqlStoredValue stored;
        try
        {
            stored = PostgreSqlValues.ToParameterValue(value, column);
        }
        catch (PostgreSqlValueException)
        {
            return null;
        }

        return stored.Value switch
        {
            string text => text,

            // bytea's text input form is the hexadecimal format.
            byte[] bytes => "\\x" + Convert.ToHexStringLower(bytes),
            _ => null,
        };
    }
}
