namespace Outflow.Connectors.PostgreSql;

/// <summary>How a column's values are read and normalized.</summary>
internal enum PostgreSqlValueKind
{
    /// <summary>Requested from the server in text format and returned as that text.</summary>
    TextForm,
    String,
    Int64,
    Decimal,
    Double,
    Boolean,
    TimestampTz,
    Timestamp,
    Date,
    Time,
    Bytes,
}
