namespace Outflow.Api.OpenApi;

/// <summary>The JSON Schema type and format a documented query parameter has on the wire.</summary>
internal enum QueryParameterType
{
    String,
    Boolean,
    Integer,
    Uuid,
}
