using Outflow.Core.Connectors;

namespace Outflow.Connectors.PostgreSql;

/// <summary>
/// A writable column of a target table. <see cref="CastType"/> is the column's type without its modifier
/// (<c>character varying</c> for <c>character varying(10)</c>), which parameters are cast to. <see cref="BaseType"/> is
/// the internal name of the type, or of a domain's base type (<c>int8</c>, <c>varchar</c>), and
/// <see cref="TypeModifier"/> its modifier as the catalog stores it (-1 when there is none).
/// <see cref="HasUniqueIndex"/> is true when a primary key or unique index has the column as its only key, and
/// <see cref="NondeterministicCollation"/> names the nondeterministic collation of the column or of that index, if any.
/// </summary>
internal sealed record PostgreSqlColumn(
    string Name,
    string RemoteType,
    string CastType,
    FieldType Type,
    bool Required,
    bool HasUniqueIndex,
    string BaseType = "",
    int TypeModifier = -1,
    string? NondeterministicCollation = null)
{
    // The catalog stores length and precision modifiers with a 4-byte header added.
    private const int ModifierHeader = 4;

    public PostgreSqlColumnKind Kind { get; } = PostgreSqlTypes.ToColumnKind(BaseType);

    /// <summary>
    /// Whether the column is GENERATED ALWAYS AS IDENTITY. An INSERT rejects a value for it, while a COPY writes the
    /// value, so COPY is not used for a batch that writes the column.
    /// </summary>
    public bool IsAlwaysIdentity { get; init; }

    /// <summary>The maximum length in characters of a varchar(n) or char(n) column, or null when it has none.</summary>
    public int? MaxLength =>
        Kind == PostgreSqlColumnKind.Text && BaseType is "varchar" or "bpchar" && TypeModifier >= ModifierHeader
            ? TypeModifier - ModifierHeader
            : null;

    /// <summary>
    /// Returns true when the column can match records. A nondeterministic collation (a case- or accent-insensitive ICU
    /// collation) makes texts equal by rules the engine cannot apply to values, so two model rows could silently
    /// overwrite one record. Such a column is therefore not offered as an identity.
    /// </summary>
    public bool SupportsIdentity => HasUniqueIndex && NondeterministicCollation is null;

    /// <summary>The reason the column cannot match records, or null when it can.</summary>
    public string? IdentityProblem =>
        (HasUniqueIndex, NondeterministicCollation) switch
        {
            (false, _) => "it has no primary key or single-column unique index",
            (true, { } collation) =>
                $"its collation \"{collation}\" is nondeterministic, so the target can take different texts for one record",
            _ => null,
        };

    /// <summary>
    /// How the column's type compares text when it matches records: citext ignores case, and char(n) ignores trailing spaces.
    /// </summary>
    public IdentityComparison Comparison =>
        BaseType switch
        {
            "citext" => IdentityComparison.IgnoreCase,
            "bpchar" => IdentityComparison.IgnoreTrailingSpaces,
            _ => IdentityComparison.Exact,
        };

    /// <summary>Returns true for char(n), which pads shorter text with spaces.</summary>
    public bool IsFixedLength => BaseType == "bpchar";

    /// <summary>The scale of a numeric(p,s) column, or null for an unconstrained numeric.</summary>
    public int? Scale =>
        Kind == PostgreSqlColumnKind.Numeric && TypeModifier >= ModifierHeader

            // The scale is the low 11 bits, signed since PostgreSQL 15.
            ? (((TypeModifier - ModifierHeader) & 0x7ff) ^ 1024) - 1024
            : null;
}
