using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Outflow.Api.Errors;

namespace Outflow.Api.Json;

/// <summary>
/// Reads request bodies with <see cref="ApiJson.Options"/> and turns serializer errors into 400 responses that
/// name the offending field by its JSON path (<c>fields[0].target</c>) and state what was expected.
/// </summary>
internal static partial class RequestJson
{
    /// <summary>The longest value text an error repeats; longer values are cut.</summary>
    private const int MaxValueLength = 100;

    /// <summary>Reads a body that must be present.</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        return await ReadOptionalAsync<T>(request, cancellationToken)
            ?? throw ApiException.BadRequest(
                ApiErrorKeys.InvalidJson, "the request body is missing: send a JSON object");
    }

    /// <summary>Reads a body that may be absent or empty; returns null then.</summary>
    public static async Task<T?> ReadOptionalAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        // A declared length over the limit is rejected before reading, so a client that sent Expect: 100-continue
        // never starts sending the body, and none is cut off mid-write.
        var limit = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        if (limit is not null && request.ContentLength > limit)
        {
            throw new ApiException(
                StatusCodes.Status413PayloadTooLarge,
                ApiErrorKeys.RequestTooLarge,
                $"the request body is {request.ContentLength} bytes, more than the limit of {limit}: send a smaller body");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (bytes.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return null;
        }

        JsonTextCheck.Check(bytes.Span);
        try
        {
            return JsonSerializer.Deserialize<T>(bytes.Span, ApiJson.Options)
                ?? throw ApiException.BadRequest(ApiErrorKeys.InvalidJson, "the request body must be a JSON object, not null");
        }
        catch (JsonException exception)
        {
            throw ToApiException(exception, bytes.Span);
        }
    }

    public static ApiException ToApiException(JsonException exception) => ToApiException(exception, default);

    /// <summary>Converts a deserialization failure into a 400 naming the field and, when the body is at hand, its value.</summary>
    public static ApiException ToApiException(JsonException exception, ReadOnlySpan<byte> body)
    {
        var field = FieldOf(exception.Path);
        if (exception.InnerException is JsonException syntaxError)
        {
            return ApiException.BadRequest(
                ApiErrorKeys.InvalidJson,
                $"the request body is not valid JSON: {StripPosition(syntaxError.Message)}",
                field);
        }

        var conversion = ConversionMessage().Match(exception.Message);
        if (conversion.Success)
        {
            if (field is null)
            {
                return ApiException.BadRequest(ApiErrorKeys.InvalidJson, "the request body must be a JSON object");
            }

            var value = ValueAt(body, exception.Path);
            var received = value is null ? "" : $", not {Shorten(value.ToJsonString())}";
            return ApiException.BadRequest(
                ApiErrorKeys.InvalidField,
                $"{field} has the wrong JSON type: expected {DescribeType(conversion.Groups["type"].Value)}{received}",
                field,
                MetadataValue(value));
        }

        // A converter's own message, e.g. an unknown enum value; it describes the expected values.
        var message = StripPosition(exception.Message);
        if (field is not null && !message.StartsWith(LastSegment(field), StringComparison.Ordinal))
        {
            message = $"{field} is invalid: {message}";
        }

        return ApiException.BadRequest(ApiErrorKeys.InvalidField, message, field, MetadataValue(ValueAt(body, exception.Path)));
    }

    /// <summary>Returns the value as the client sent it, or its shortened JSON text when that is long.</summary>
    private static object? MetadataValue(JsonNode? value)
    {
        if (value is null)
        {
            return null;
        }

        var text = value.ToJsonString();
        return text.Length <= MaxValueLength ? value : Shorten(text);
    }

    private static string Shorten(string text) => text.Length <= MaxValueLength ? text : text[..MaxValueLength] + "…";

    /// <summary>
    /// Returns the value at a serializer path such as <c>$.fields[0].target</c>, or null when the body or the path
    /// is not at hand.
    /// </summary>
    private static JsonNode? ValueAt(ReadOnlySpan<byte> body, string? path)
    {
        if (body.IsEmpty || string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }

        foreach (Match step in PathStep().Matches(path))
        {
            if (step.Groups["index"].Success)
            {
                var index = int.Parse(step.Groups["index"].Value, CultureInfo.InvariantCulture);
                node = node is JsonArray array && index < array.Count ? array[index] : null;
            }
            else
            {
                var name = step.Groups["name"].Success ? step.Groups["name"].Value : step.Groups["quoted"].Value;
                node = (node as JsonObject)?[name];
            }

            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    private static string? FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static string LastSegment(string field)
    {
        var start = field.LastIndexOf('.') + 1;
        var end = field.IndexOf('[', start);
        return end < 0 ? field[start..] : field[start..end];
    }

    private static string StripPosition(string message)
    {
        var index = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (index < 0)
        {
            index = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        }

        return index < 0 ? message : message[..index];
    }

    private static string DescribeType(string typeName)
    {
        const string NullablePrefix = "System.Nullable`1[";
        if (typeName.StartsWith(NullablePrefix, StringComparison.Ordinal))
        {
            typeName = typeName[NullablePrefix.Length..];
        }

        return typeName switch
        {
            _ when typeName.StartsWith("System.String", StringComparison.Ordinal) => "a string",
            _ when typeName.StartsWith("System.Guid", StringComparison.Ordinal) => "a UUID string",
            _ when typeName.StartsWith("System.Boolean", StringComparison.Ordinal) => "true or false",
            _ when typeName.StartsWith("System.Int", StringComparison.Ordinal) => "an integer",
            _ when typeName.StartsWith("System.DateTimeOffset", StringComparison.Ordinal) => "an RFC 3339 timestamp",
            _ when typeName.StartsWith("System.Collections.Generic.List", StringComparison.Ordinal) => "an array",
            _ when typeName.StartsWith("System.Collections.Generic.IReadOnlyList", StringComparison.Ordinal) => "an array",
            _ => "a JSON object",
        };
    }

    // One step of a serializer path: .name, ['quoted name'] or [index].
    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>[^']*)'\]|\[(?<index>\d{1,9})\]")]
    private static partial Regex PathStep();

    [GeneratedRegex(@"^The JSON value could not be converted to (?<type>\S+)\.")]
    private static partial Regex ConversionMessage();
}
