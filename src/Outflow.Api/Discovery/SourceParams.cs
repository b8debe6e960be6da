using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Outflow.Api.Errors;

namespace Outflow.Api.Discovery;

/// <summary>
/// Reads the <c>params</c> of Get Sync Source and Get Source Fields, a map from configuration key to values. Clients
/// send it three ways, all accepted: the JSON text of the map in one <c>params</c> query parameter (Polytomic's
/// TypeScript SDKs), one query parameter per key (the OpenAPI form encoding), or Go's <c>fmt</c> rendering
/// <c>map[table:[people]]</c> in <c>params</c> (Polytomic's Go SDK).
/// </summary>
internal static partial class SourceParams
{
    public const string ParameterName = "params";

    /// <summary>Returns every key with its values; keys compare case-sensitively.</summary>
    /// <exception cref="ApiException">The text is not a map of strings, or a key is sent twice.</exception>
    public static Dictionary<string, List<string>> Read(HttpRequest request)
    {
        var parameters = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, values) in request.Query)
        {
            if (!string.Equals(name, ParameterName, StringComparison.Ordinal))
            {
                Add(parameters, name, values.Select(value => value ?? "").ToList());
                continue;
            }

            foreach (var text in values)
            {
                if (string.IsNullOrEmpty(text))
                {
                    continue;
                }

                var parsed = text.StartsWith("map[", StringComparison.Ordinal) ? ParseGoMap(text) : ParseJson(text);
                foreach (var (key, keyValues) in parsed)
                {
                    Add(parameters, key, keyValues);
                }
            }
        }

        return parameters;
    }

    private static void Add(Dictionary<string, List<string>> parameters, string key, List<string> values)
    {
        if (!parameters.TryAdd(key, values))
        {
            throw ApiException.BadRequest(
                ApiErrorKeys.InvalidQueryParameter,
                $"params.{key} was sent more than once: send each configuration key once",
                $"{ParameterName}.{key}");
        }
    }

    private static List<(string Key, List<string> Values)> ParseJson(string text)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            throw Malformed(text);
        }

        if (node is not JsonObject map)
        {
            throw Malformed(text);
        }

        var result = new List<(string, List<string>)>();
        foreach (var (key, value) in map)
        {
            result.Add((key, ReadValues(key, value)));
        }

        return result;
    }

    /// <summary>Accepts an array of strings, or one string as a one-element array.</summary>
    private static List<string> ReadValues(string key, JsonNode? value)
    {
        if (value is JsonValue single && single.GetValueKind() == JsonValueKind.String)
        {
            return [single.GetValue<string>()];
        }

        if (value is JsonArray array && array.All(item => item?.GetValueKind() == JsonValueKind.String))
        {
            return array.Select(item => item!.GetValue<string>()).ToList();
        }

        throw ApiException.BadRequest(
            ApiErrorKeys.InvalidQueryParameter,
            $"params.{key} must be an array of strings, such as [\"people\"]",
            $"{ParameterName}.{key}");
    }

    /// <summary>
    /// Parses <c>map[key:[value] other:[value]]</c>. Go writes the values of one key separated by spaces, which cannot
    /// be told apart from spaces inside a value, so the text between the brackets is read as one value.
    /// </summary>
    /// <remarks>NOTE: a value containing <c>]</c> cannot be read from this form; such clients must send JSON text.</remarks>
    private static List<(string Key, List<string> Values)> ParseGoMap(string text)
    {
        var inner = text.EndsWith(']') ? text["map[".Length..^1] : throw Malformed(text);
        var result = new List<(string, List<string>)>();
        var position = 0;
        foreach (Match match in GoMapEntry().Matches(inner))
        {
            if (match.Index != position)
            {
                throw Malformed(text);
            }

            var value = match.Groups["value"].Value;
            result.Add((match.Groups["key"].Value, value.Length == 0 ? [] : [value]));
            position = match.Index + match.Length;
        }

        return position == inner.Length ? result : throw Malformed(text);
    }

    private static ApiException Malformed(string text) => new(
        StatusCodes.Status400BadRequest,
        ApiErrorKeys.InvalidQueryParameter,
        "query parameter params must be the JSON text of an object that maps each configuration key to an array of "
        + "strings, such as {\"table\":[\"people\"]}; or send each key as its own query parameter, such as table=people",
        ParameterName,
        text);

    [GeneratedRegex(@" ?(?<key>[^\s:\[\]]+):\[(?<value>[^\]]*)\]", RegexOptions.CultureInvariant)]
    private static partial Regex GoMapEntry();
}
