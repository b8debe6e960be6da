namespace Outflow.Connectors.MySql;

/// <summary>The reader-contract form a MySQL column's values are read as.</summary>
internal enum MySqlValueKind
{
    Int64,
    UInt64,
    Decimal,
    Float,
    Double,
    Boolean,
    Bit,
    DateTime,
    Timestamp,
    Date,
    Time,
    Text,
    Bytes,
}
