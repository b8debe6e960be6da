using Outflow.Core.Connectors;

namespace Outflow.Connectors.Sqlite;

/// <summary>Maps SQLite declared types to affinities and field types.</summary>
internal static class SqliteTypes
{
    /// <summary>Applies SQLite's affinity rules, in their documented order, to a declared type.</summary>
    public static SqliteAffinity ToAffinity(string? declaredType)
    {
        var type = (declaredType ?? "").ToUpperInvariant();
        if (type.Contains("INT", StringComparison.Ordinal))
        {
            return SqliteAffinity.Integer;
        }

        if (type.Contains("CHAR", StringComparison.Ordinal) || type.Contains("CLOB", StringComparison.Ordinal)
            || type.Contains("TEXT", StringComparison.Ordinal))
        {
            return SqliteAffinity.Text;
        }

        if (type.Length == 0 || type.Contains("BLOB", StringComparison.Ordinal))
        {
            return SqliteAffinity.Blob;
        }

        if (type.Contains("REAL", StringComparison.Ordinal) || type.Contains("FLOA", StringComparison.Ordinal)
            || type.Contains("DOUB", StringComparison.Ordinal))
        {
            return SqliteAffinity.Real;
        }

        return SqliteAffinity.Numeric;
    }

    /// <summary>Returns true for declared NUMERIC and DECIMAL columns, whose REAL values are read as decimals.</summary>
    public static bool IsDecimal(string? declaredType)
    {
        var type = (declaredType ?? "").ToUpperInvariant();
        return type.Contains("NUMERIC", StringComparison.Ordinal) || type.Contains("DECIMAL", StringComparison.Ordinal);
    }

    /// <summary>Returns true for declared types that name a boolean (BOOL, BOOLEAN).</summary>
    public static bool IsBoolean(string? declaredType) =>
        (declaredType ?? "").Contains("BOOL", StringComparison.OrdinalIgnoreCase);

    /// <summary>Maps a declared type by its name first (BOOLEAN, DATETIME, JSON), then by its affinity.</summary>
    public static FieldType ToFieldType(string declaredType)
    {
        var type = declaredType.ToUpperInvariant();
        if (type.Contains("BOOL", StringComparison.Ordinal))
        {
            return FieldType.Boolean;
        }

        if (type.Contains("DATE", StringComparison.Ordinal) || type.Contains("TIME", StringComparison.Ordinal))
        {
            return FieldType.Datetime;
        }

        if (type.Contains("JSON", StringComparison.Ordinal))
        {
            return FieldType.Object;
        }

        return ToAffinity(declaredType) switch
        {
            SqliteAffinity.Integer or SqliteAffinity.Real => FieldType.Number,
            SqliteAffinity.Text => FieldType.String,
            SqliteAffinity.Blob when type.Length > 0 => FieldType.Binary,
            SqliteAffinity.Numeric when IsDecimal(declaredType) => FieldType.Number,
            _ => FieldType.Unknown,
        };
    }
}
