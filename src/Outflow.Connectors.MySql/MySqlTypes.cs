using MySqlConnector;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.MySql;

/// <summary>Maps MySqlConnector's column types to value kinds and field types.</summary>
internal static class MySqlTypes
{
    public static MySqlValueKind ToValueKind(MySqlDbType type) =>
        type switch
        {
            MySqlDbType.Bool => MySqlValueKind.Boolean,
            MySqlDbType.Bit => MySqlValueKind.Bit,
            MySqlDbType.Byte or MySqlDbType.UByte or MySqlDbType.Int16 or MySqlDbType.UInt16 or MySqlDbType.Int24
                or MySqlDbType.UInt24 or MySqlDbType.Int32 or MySqlDbType.UInt32 or MySqlDbType.Int64 or MySqlDbType.Year
                => MySqlValueKind.Int64,
            MySqlDbType.UInt64 => MySqlValueKind.UInt64,
            MySqlDbType.Decimal or MySqlDbType.NewDecimal => MySqlValueKind.Decimal,
            MySqlDbType.Float => MySqlValueKind.Float,
            MySqlDbType.Double => MySqlValueKind.Double,
            MySqlDbType.DateTime => MySqlValueKind.DateTime,
            MySqlDbType.Timestamp => MySqlValueKind.Timestamp,
            MySqlDbType.Date or MySqlDbType.Newdate => MySqlValueKind.Date,
            MySqlDbType.Time => MySqlValueKind.Time,
            MySqlDbType.Binary or MySqlDbType.VarBinary or MySqlDbType.TinyBlob or MySqlDbType.Blob or MySqlDbType.MediumBlob
                or MySqlDbType.LongBlob or MySqlDbType.Geometry => MySqlValueKind.Bytes,
            _ => MySqlValueKind.Text,
        };

    public static FieldType ToFieldType(MySqlDbType type) =>
        type switch
        {
            MySqlDbType.JSON => FieldType.Object,
            MySqlDbType.Time => FieldType.String,
            _ => ToValueKind(type) switch
            {
                MySqlValueKind.Boolean => FieldType.Boolean,
                MySqlValueKind.Int64 or MySqlValueKind.UInt64 or MySqlValueKind.Decimal or MySqlValueKind.Float
                    or MySqlValueKind.Double or MySqlValueKind.Bit => FieldType.Number,
                MySqlValueKind.DateTime or MySqlValueKind.Timestamp or MySqlValueKind.Date => FieldType.Datetime,
                MySqlValueKind.Bytes => FieldType.Binary,
                _ => FieldType.String,
            },
        };

    /// <summary>Maps a column type name from information_schema (<c>int</c>, <c>varchar</c>) to a field type.</summary>
    public static FieldType ToFieldType(string dataType, string columnType) =>
        dataType switch
        {
            "tinyint" when columnType.StartsWith("tinyint(1)", StringComparison.Ordinal) => FieldType.Boolean,
            "tinyint" or "smallint" or "mediumint" or "int" or "bigint" or "decimal" or "float" or "double" or "bit" or "year"
                => FieldType.Number,
            "datetime" or "timestamp" or "date" => FieldType.Datetime,
            "json" => FieldType.Object,
            "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" => FieldType.Binary,
            _ => FieldType.String,
        };
}
