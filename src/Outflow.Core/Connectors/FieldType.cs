namespace Outflow.Core.Connectors;

/// <summary>Normalized field types; the wire names are the lowercase member names (<c>UtilFieldType</c>).</summary>
public enum FieldType
{
    Unknown,
    String,
    Number,
    Boolean,
    Datetime,
    Array,
    Object,
    Binary,
}
