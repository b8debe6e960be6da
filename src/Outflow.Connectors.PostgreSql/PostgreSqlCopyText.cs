using System.Buffers;
using System.Text;
using Npgsql;

namespace Outflow.Connectors.PostgreSql;

/// <summary>
/// Sends converted values, each null, text or bytes, with a COPY … FROM STDIN in PostgreSQL's text format. The server
/// reads each value with its column's input function, as a cast from text would. Rows are formatted into a buffer and
/// sent in chunks, so a batch costs a few writes instead of one call per value.
/// </summary>
internal static class PostgreSqlCopyText
{
    private const int ChunkLength = 32 * 1024;

    // The text format ends a value at a tab and a row at a newline, and reads a backslash as an escape.
    private static readonly SearchValues<char> Escaped = SearchValues.Create("\\\t\n\r");

    /// <summary>
    /// Runs <paramref name="copySql"/> and sends one line per row: the row's ordinal first when
    /// <paramref name="ordinals"/> is given, then its values from index <paramref name="firstValue"/> on.
    /// </summary>
    /// <exception cref="NpgsqlException">The server rejected the COPY or one of its rows, or the connection failed.</exception>
    public static async Task CopyAsync(
        NpgsqlConnection connection,
        string copySql,
        IReadOnlyList<object?[]> rows,
        int firstValue,
        IReadOnlyList<int>? ordinals,
        CancellationToken cancellationToken)
    {
        var writer = await connection.BeginTextImportAsync(copySql, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            var text = new StringBuilder(ChunkLength + 4096);
            try
            {
                for (var row = 0; row < rows.Count; row++)
                {
                    if (ordinals is not null)
                    {
                        text.Append(ordinals[row]).Append('\t');
                    }

                    var values = rows[row];
                    for (var i = firstValue; i < values.Length; i++)
                    {
                        if (i > firstValue)
                        {
                            text.Append('\t');
                        }

                        AppendValue(text, values[i]);
                    }

                    text.Append('\n');
                    if (text.Length >= ChunkLength)
                    {
                        await writer.WriteAsync(text, cancellationToken).ConfigureAwait(false);
                        text.Clear();
                    }
                }

                await writer.WriteAsync(text, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // Without the cancel, disposing the writer would complete the COPY with the rows sent so far. A cancel
                // that fails because the connection broke meanwhile must not hide the failure that stopped the COPY.
                try
                {
                    await ((NpgsqlCopyTextWriter)writer).CancelAsync().ConfigureAwait(false);
                }
                catch (Exception cancelFailure) when (cancelFailure is NpgsqlException or InvalidOperationException or IOException)
                {
                }

                throw;
            }
        }
    }

    private static void AppendValue(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null:
                text.Append("\\N");
                break;
            case string plain when plain.AsSpan().IndexOfAny(Escaped) < 0:
                text.Append(plain);
                break;
            case string escaped:
                foreach (var character in escaped)
                {
                    _ = character switch
                    {
                        '\\' => text.Append("\\\\"),
                        '\t' => text.Append("\\t"),
                        '\n' => text.Append("\\n"),
                        '\r' => text.Append("\\r"),
                        _ => text.Append(character),
                    };
                }

                break;
            case byte[] bytes:
                // bytea's hexadecimal input form, \x then two digits a byte, with its backslash escaped for COPY.
                text.Append("\\\\x").Append(Convert.ToHexStringLower(bytes));
                break;
            default:
                throw new ArgumentException($"a converted value must be null, text or bytes, not {value.GetType().Name}", nameof(value));
        }
    }
}
