using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Outflow.Api.Json;

/// <summary>
/// The serializer settings of every request and response: exact property names (no naming policy),
/// null optional properties left out, strict number and property-name handling, UTC timestamps.
/// </summary>
internal static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = null;
        options.DictionaryKeyPolicy = null;
        options.PropertyNameCaseInsensitive = false;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
        options.AllowTrailingCommas = false;
        options.ReadCommentHandling = JsonCommentHandling.Disallow;

        // Responses are application/json, never embedded in HTML, so quotes, '<' and non-ASCII letters in
        // names and messages are written as themselves instead of \u escapes.
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        if (!options.Converters.OfType<UtcTimestampConverter>().Any())
        {
            options.Converters.Add(new UtcTimestampConverter());
        }
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions();
        Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
