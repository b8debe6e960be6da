using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Outflow.Api.Errors;
using Outflow.Core.Syncs;

namespace Outflow.Api.OpenApi;

/// <summary>
/// Corrects schemas where the generator cannot see what the serializer writes: types with custom converters
/// (sync modes, UTC timestamps), and null properties, which the API leaves out of responses instead of writing null.
/// Also lists the error keys on <c>ApiError.key</c>.
/// </summary>
internal sealed class WireSchemaTransformer : IOpenApiSchemaTransformer
{
    private static readonly string ErrorKeysDescription =
        "A stable snake_case error code. The keys this server returns: "
        + string.Join(
            ", ",
            typeof(ApiErrorKeys).GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(field => field.IsLiteral)
                .Select(field => (string)field.GetRawConstantValue()!))
        + ".";

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        var underlying = Nullable.GetUnderlyingType(type);
        var nullable = underlying is not null;
        var valueType = underlying ?? type;

        if (valueType == typeof(SyncMode))
        {
            // The mode becomes a shared component, and properties that may be null wrap its reference in oneOf.
            schema.Type = JsonSchemaType.String;
            schema.Enum = SyncModes.WireNames.Select(name => (JsonNode)JsonValue.Create(name)).ToList();
        }
        else if (valueType == typeof(DateTimeOffset))
        {
            schema.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
            schema.Format = "date-time";
        }

        if (valueType == typeof(ApiError) && schema.Properties?.TryGetValue("key", out var key) == true && key is OpenApiSchema keySchema)
        {
            keySchema.Description = ErrorKeysDescription;
        }

        // Null values are omitted on the wire, so a property that can be null may be absent and is not required.
        if (schema.Required is { Count: > 0 } required)
        {
            foreach (var property in context.JsonTypeInfo.Properties)
            {
                if (property.IsGetNullable || Nullable.GetUnderlyingType(property.PropertyType) is not null)
                {
                    required.Remove(property.Name);
                }
            }
        }

        return Task.CompletedTask;
    }
}
