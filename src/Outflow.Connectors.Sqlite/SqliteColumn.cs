using Outflow.Core.Connectors;

namespace Outflow.Connectors.Sqlite;

/// <summary>
/// A writable column of a target table. <see cref="Collation"/> is the column's declared collation, and
/// <see cref="IdentityCollation"/> the collation of the unique index that makes it an identity (the column's own when
/// no index sets another), under which records are matched.
/// </summary>
internal sealed record SqliteColumn(
    string Name,
    string DeclaredType,
    SqliteAffinity Affinity,
    FieldType Type,
    bool Required,
    bool SupportsIdentity,
    string Collation = SqliteColumn.BinaryCollation,
    string IdentityCollation = SqliteColumn.BinaryCollation)
{
    public const string BinaryCollation = "BINARY";

    /// <summary>How the identity collation compares text; any collation other than NOCASE and RTRIM is taken as exact.</summary>
    public IdentityComparison Comparison =>
        IdentityCollation switch
        {
            "NOCASE" => IdentityComparison.IgnoreAsciiCase,
            "RTRIM" => IdentityComparison.IgnoreTrailingSpaces,
            _ => IdentityComparison.Exact,
        };

    /// <summary>
    /// Returns the comparison of the column with <paramref name="parameter"/> under the identity collation. The
    /// COLLATE clause is added only when that collation differs from the column's, which <c>=</c> would otherwise use.
    /// </summary>
    public string MatchExpression(string parameter) =>
        string.Equals(IdentityCollation, Collation, StringComparison.Ordinal)
            ? $"{SqliteIdentifiers.Quote(Name)} = {parameter}"
            : $"{SqliteIdentifiers.Quote(Name)} = {parameter} COLLATE {SqliteIdentifiers.Quote(IdentityCollation)}";
}
