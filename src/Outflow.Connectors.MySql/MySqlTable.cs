using System.Globalization;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.MySql;

/// <summary>
/// A writable column of a target table: <see cref="DataType"/> and <see cref="ColumnType"/> as information_schema.COLUMNS
/// reports them (<c>decimal</c> and <c>decimal(10,2)</c>), and the collation of a text column.
/// </summary>
internal sealed record MySqlColumn(
    string Name,
    string DataType,
    string ColumnType,
    bool Required,
    bool SupportsIdentity,
    string? Collation)
{
    public FieldType Type => MySqlTypes.ToFieldType(DataType, ColumnType);

    public bool IsUnsigned => ColumnType.Contains("unsigned", StringComparison.Ordinal);

    /// <summary>
    /// The first number in the column type's brackets: the precision of <c>decimal(10,2)</c>, the maximum length in
    /// characters of <c>varchar(20)</c>, or null when the type has no brackets.
    /// </summary>
    public int? Length => TypeArgument(0);

    /// <summary>The second number in the column type's brackets: the scale of <c>decimal(10,2)</c> or <c>float(7,4)</c>.</summary>
    public int? Scale => TypeArgument(1);

    private int? TypeArgument(int position)
    {
        var open = ColumnType.IndexOf('(', StringComparison.Ordinal);
        var close = ColumnType.IndexOf(')', StringComparison.Ordinal);
        if (open < 0 || close < open)
        {
            return null;
        }

        var arguments = ColumnType[(open + 1)..close].Split(',');
        return position < arguments.Length
            && int.TryParse(arguments[position], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                ? number
                : null;
    }

    /// <summary>
    /// How the column's collation compares text when it matches records: a <c>_ci</c> collation ignores case, and every
    /// PAD SPACE collation ignores trailing spaces. MariaDB names its NO PAD collations <c>_nopad_</c>, and MySQL 8's
    /// <c>_0900_</c> collations are NO PAD.
    /// </summary>
    /// <remarks>
    /// NOTE: <c>_ci</c> collations such as utf8mb4_general_ci also ignore accents ('e' equals 'é'), which
    /// <see cref="IdentityComparison"/> cannot express, so two model rows that differ only in accents still reach one record.
    /// </remarks>
    public IdentityComparison Comparison
    {
        get
        {
            if (Collation is null)
            {
                return IdentityComparison.Exact;
            }

            var comparison = IdentityComparison.Exact;
            if (Collation.Contains("_ci", StringComparison.Ordinal))
            {
                comparison |= IdentityComparison.IgnoreCase;
            }

            if (!Collation.Contains("_nopad_", StringComparison.Ordinal) && !Collation.Contains("_0900_", StringComparison.Ordinal))
            {
                comparison |= IdentityComparison.IgnoreTrailingSpaces;
            }

            return comparison;
        }
    }
}

/// <summary>A target table and its writable columns, in column order.</summary>
internal sealed record MySqlTable(string Database, string Name, IReadOnlyList<MySqlColumn> Columns)
{
    public string ObjectId => MySqlIdentifiers.ToObjectId(Database, Name);

    public string QuotedName => MySqlIdentifiers.QuoteObject(Database, Name);

    public MySqlColumn? FindColumn(string name) => Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));

    /// <summary>Describes the table with its columns and the sync modes that <see cref="TableSyncModes"/> allows for them.</summary>
    public TargetObjectInfo ToObjectInfo()
    {
        var fields = Columns.Select(c => new TargetFieldInfo(c.Name, c.Name, c.Type, c.ColumnType, c.Required, c.SupportsIdentity)
        {
            Comparison = c.Comparison,
            IdentityProblem = c.SupportsIdentity ? null : "it has no primary key or single-column unique index over its whole value",
        }).ToList();

        return new(ObjectId, ObjectId, fields, TableSyncModes.For(fields));
    }
}
