using System.Globalization;

namespace Outflow.Connectors.Sqlite;

/// <summary>Converts reader-contract values to what SQLite stores for a column.</summary>
internal static class SqliteValues
{
    public static object ToStorage(object? value, SqliteAffinity affinity) =>
        value switch
        {
            null => DBNull.Value,
            long or double or string or byte[] => value,
            bool boolean => boolean ? 1L : 0L,
            decimal number => ToStorage(number, affinity),
            DateTimeOffset instant => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
            DateTime timestamp => timestamp.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
            DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            TimeOnly time => time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };

    // SQLite has no decimal type. A TEXT column keeps the exact digits as text; any other column gets a number
    // (an INTEGER when the value is whole and fits, else a REAL), which can round beyond about 15 significant digits.
    private static object ToStorage(decimal number, SqliteAffinity affinity)
    {
        if (affinity == SqliteAffinity.Text)
        {
            return number.ToString(CultureInfo.InvariantCulture);
        }

        if (number == decimal.Truncate(number) && number is >= long.MinValue and <= long.MaxValue)
        {
            return (long)number;
        }

        return (double)number;
    }
}
