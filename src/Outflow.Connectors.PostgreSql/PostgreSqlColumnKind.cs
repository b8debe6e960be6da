namespace Outflow.Connectors.PostgreSql;

/// <summary>The groups of column types whose values are converted alike before they are written.</summary>
internal enum PostgreSqlColumnKind
{
    /// <summary>Any other type (uuid, enums, arrays, intervals): the value goes as text and the server's input rules decide.</summary>
    Other,
    Integer,
    Numeric,
    Real,
    DoublePrecision,
    Boolean,
    Text,
    TimestampTz,
    Timestamp,
    Date,
    Time,
    Json,
    Bytes,
}
