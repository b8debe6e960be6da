using Microsoft.Data.Sqlite;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Sqlite;

/// <summary>
/// Streams a model's rows one step at a time and normalizes each value. REAL values of NUMERIC and DECIMAL columns
/// become decimals, and the integers 0 and 1 of BOOLEAN columns become booleans.
/// </summary>
internal sealed class SqliteSourceReader(
    SqliteConnection connection,
    SqliteCommand command,
    SqliteDataReader reader,
    IReadOnlyList<SourceColumn> columns,
    bool[] decimalColumns,
    bool[] booleanColumns) : ISourceReader
{
    public IReadOnlyList<SourceColumn> Columns => columns;

    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException exception)
        {
            throw SqliteErrors.Wrap(exception, "reading the model's rows failed");
        }
    }

    public void GetValues(object?[] values)
    {
        for (var i = 0; i < decimalColumns.Length; i++)
        {
            // GetValue returns the storage class's type: long, double, string, byte[] or DBNull.
            var value = reader.GetValue(i);
            values[i] = value switch
            {
                DBNull => null,
                double real when decimalColumns[i] => ToDecimal(real, i),
                long number when booleanColumns[i] && number is 0 or 1 => number == 1,
                _ => value,
            };
        }
    }

    public async ValueTask DisposeAsync()
    {
        await reader.DisposeAsync().ConfigureAwait(false);
        await command.DisposeAsync().ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
    }

    private object ToDecimal(double real, int ordinal)
    {
        // The shortest text that reads back as the same REAL names the decimal the value is. A cast to decimal
        // would round to 15 significant digits instead.
        if (SqliteValues.ToShortestDecimal(real) is { } exact)
        {
            return exact;
        }

        return new UnreadableValue(
            $"column {columns[ordinal].Name} ({columns[ordinal].RemoteType}) holds a REAL value beyond the decimal range; " +
            "cast it to REAL or TEXT in the model query.");
    }
}
