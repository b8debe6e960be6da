using System.Text.Json;
using System.Text.Json.Serialization;

namespace Outflow.Core.Syncs;

/// <summary>Reads and writes <see cref="SyncMode"/> as its exact wire name; any other value is a JSON error.</summary>
public sealed class SyncModeJsonConverter : JsonConverter<SyncMode>
{
    public override SyncMode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || !SyncModes.TryParse(reader.GetString(), out var mode))
        {
            throw new JsonException($"mode must be one of: {string.Join(", ", SyncModes.WireNames)}");
        }

        return mode;
    }

    public override void Write(Utf8JsonWriter writer, SyncMode value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToWire());
}
