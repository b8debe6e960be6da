using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Outflow.Core.Connectors;

namespace Outflow.Store;

/// <summary>
/// JSON for documents kept in TEXT columns. Property names come from the records' own attributes, so no
/// naming policy is set. Field types are stored by name so that reordering the enum cannot change them.
/// </summary>
internal static class StoreJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter<FieldType>() },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json, string column)
    {
        return JsonSerializer.Deserialize<T>(json, Options)
            ?? throw new InvalidDataException($"The stored {column} is JSON null, so the row is damaged.");
    }

    public static JsonObject ParseObject(string json, string column)
    {
        return JsonNode.Parse(json) as JsonObject
            ?? throw new InvalidDataException($"The stored {column} is not a JSON object, so the row is damaged.");
    }
}
