using Npgsql.PostgresTypes;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.PostgreSql;

/// <summary>Maps PostgreSQL types, by their internal names (<c>int4</c>, <c>timestamptz</c>), to field types and value kinds.</summary>
internal static class PostgreSqlTypes
{
    public static FieldType ToFieldType(string internalName, bool isEnum, bool isArray)
    {
        if (isArray)
        {
            return FieldType.Unknown;
        }

        if (isEnum)
        {
            return FieldType.String;
        }

        return internalName switch
        {
            "int2" or "int4" or "int8" or "numeric" or "float4" or "float8" or "money" => FieldType.Number,
            "bool" => FieldType.Boolean,
            "text" or "varchar" or "bpchar" or "char" or "name" or "uuid" or "citext" or "time" or "timetz" => FieldType.String,
            "timestamptz" or "timestamp" or "date" => FieldType.Datetime,
            "json" or "jsonb" => FieldType.Object,
            "bytea" => FieldType.Binary,
            _ => FieldType.Unknown,
        };
    }

    public static FieldType ToFieldType(PostgresType type)
    {
        var baseType = Unwrap(type);
        return ToFieldType(baseType.InternalName, baseType is PostgresEnumType, baseType is PostgresArrayType);
    }

    /// <summary>
    /// Returns how to read a column. Types without a lossless .NET mapping in the reader contract (uuid, json,
    /// enums, arrays, intervals, network types and the rest) are read in the server's text format.
    /// </summary>
    public static PostgreSqlValueKind ToValueKind(PostgresType type) =>
        Unwrap(type) switch
        {
            PostgresArrayType or PostgresEnumType => PostgreSqlValueKind.TextForm,
            var baseType => baseType.InternalName switch
            {
                "int2" or "int4" or "int8" => PostgreSqlValueKind.Int64,
                "numeric" or "money" => PostgreSqlValueKind.Decimal,
                "float4" or "float8" => PostgreSqlValueKind.Double,
                "bool" => PostgreSqlValueKind.Boolean,
                "text" or "varchar" or "bpchar" or "name" => PostgreSqlValueKind.String,
                "timestamptz" => PostgreSqlValueKind.TimestampTz,
                "timestamp" => PostgreSqlValueKind.Timestamp,
                "date" => PostgreSqlValueKind.Date,
                "time" => PostgreSqlValueKind.Time,
                "bytea" => PostgreSqlValueKind.Bytes,
                _ => PostgreSqlValueKind.TextForm,
            },
        };

    /// <summary>Groups a type, by the internal name of its base type, for converting the values written to it.</summary>
    public static PostgreSqlColumnKind ToColumnKind(string baseType) =>
        baseType switch
        {
            "int2" or "int4" or "int8" => PostgreSqlColumnKind.Integer,
            "numeric" => PostgreSqlColumnKind.Numeric,
            "float4" => PostgreSqlColumnKind.Real,
            "float8" => PostgreSqlColumnKind.DoublePrecision,
            "bool" => PostgreSqlColumnKind.Boolean,
            "text" or "varchar" or "bpchar" or "name" or "citext" => PostgreSqlColumnKind.Text,
            "timestamptz" => PostgreSqlColumnKind.TimestampTz,
            "timestamp" => PostgreSqlColumnKind.Timestamp,
            "date" => PostgreSqlColumnKind.Date,
            "time" => PostgreSqlColumnKind.Time,
            "json" or "jsonb" => PostgreSqlColumnKind.Json,
            "bytea" => PostgreSqlColumnKind.Bytes,
            _ => PostgreSqlColumnKind.Other,
        };

    private static PostgresType Unwrap(PostgresType type)
    {
        while (type is PostgresDomainType domain)
        {
            type = domain.BaseType;
        }

        return type;
    }
}
