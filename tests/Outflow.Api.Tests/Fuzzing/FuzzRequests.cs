using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Outflow.Api.OpenApi;

namespace Outflow.Api.Tests.Fuzzing;

/// <summary>A route the server maps, with its method, documented query parameters and request body type.</summary>
public sealed record FuzzRoute(string Method, RouteEndpoint Endpoint)
{
    public string Pattern => "/" + Endpoint.RoutePattern.RawText!.TrimStart('/');

    internal IReadOnlyList<QueryParameterMetadata> QueryParameters =>
        Endpoint.Metadata.OfType<QueryParameterMetadata>().ToList();

    public Type? BodyType => Endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;

    public override string ToString() => $"{Method} {Pattern}";
}

/// <summary>
/// The choices of one fuzz case as small integers, so that CsCheck shrinks a failure toward 0: the route's valid
/// values, no query, the valid key and a valid body. <see cref="Detail"/> seeds the choices inside a strategy.
/// </summary>
public sealed record FuzzCase(int Route, int Path, int Query, int Header, int Body, int Detail);

/// <summary>Turns a <see cref="FuzzCase"/> into a raw request against a route, using ids of objects the test created.</summary>
public sealed class FuzzRequests(IReadOnlyDictionary<string, string> validValues, IReadOnlyDictionary<string, JsonObject> validBodies, string apiKey)
{
    public const int PathStrategies = 12;
    public const int QueryStrategies = 9;
    public const int HeaderStrategies = 16;
    public const int BodyStrategies = 16;

    public static readonly string[] ReadOnlyFields = ["id", "organization_id", "created_at", "updated_at", "model_ids", "version"];

    public const string ReadOnlySentinel = "fuzz-read-only-0f6c";

    public RawRequest Build(FuzzRoute route, FuzzCase fuzz)
    {
        var random = new Random(fuzz.Detail);
        var target = new StringBuilder();
        var segments = route.Pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string? previous = null;
        foreach (var segment in segments)
        {
            target.Append('/');
            if (segment.StartsWith('{'))
            {
                var name = segment.Trim('{', '}');
                target.Append(PathValue(ValidValue(previous, name), fuzz.Path, random));
            }
            else
            {
                target.Append(segment);
            }

            previous = segment;
        }

        var query = Query(route, fuzz.Query, random);
        if (query.Length > 0)
        {
            target.Append('?').Append(query);
        }

        var headers = Headers(fuzz.Header, random);
        var body = Body(route, fuzz.Body, random, headers);
        return new RawRequest(route.Method, target.ToString(), headers, body);
    }

    /// <summary>The valid value of a route parameter, keyed by the literal segment before it or by its own name.</summary>
    private string ValidValue(string? previousSegment, string name) =>
        validValues.TryGetValue(name, out var byName) && name != "id" ? byName
        : previousSegment is not null && validValues.TryGetValue(previousSegment + "/" + name, out var bySegment) ? bySegment
        : validValues.TryGetValue(name, out var fallback) ? fallback
        : "x";

    private static string PathValue(string valid, int strategy, Random random) => strategy switch
    {
        0 => Uri.EscapeDataString(valid),
        1 => Guid.NewGuid().ToString(),
        2 => Uri.EscapeDataString("not-a-uuid " + random.Next()),
        3 => string.Empty,
        4 => new string('a', 4000 + random.Next(4000)),
        5 => Uri.EscapeDataString("é漢字😀\U0001F9EA"),
        6 => "%00",
        7 => "%0a",
        8 => "..",
        9 => "%ff%fe",
        10 => "%2F" + Uri.EscapeDataString(valid),
        _ => Uri.EscapeDataString(valid) + "%20" + random.Next(),
    };

    private static string Query(FuzzRoute route, int strategy, Random random)
    {
        var names = route.QueryParameters.Select(parameter => parameter.Name).DefaultIfEmpty("unknown").ToList();
        string Pick() => names[random.Next(names.Count)];
        string Join(params (string Name, string Value)[] pairs) =>
            string.Join('&', pairs.Select(pair => Uri.EscapeDataString(pair.Name) + "=" + Uri.EscapeDataString(pair.Value)));

        var wrongValues = new[] { "yes", "1.5", "-1", "abc", "[]", "{}", "null", "true", "9223372036854775808", "00000000-0000-0000-0000-00000000000g" };
        return strategy switch
        {
            0 => string.Empty,
            1 => Join(names.Select(name => (name, wrongValues[random.Next(wrongValues.Length)])).ToArray()),
            2 => Join((Pick(), "true"), (Pick(), "false"), (Pick(), "1")),
            3 => Join(names.Select(name => (name, string.Empty)).ToArray()),
            4 => Join((Pick(), "99999999999999999999999999999999"), (Pick(), "2147483648")),
            5 => Join((Pick(), "-2147483649"), (Pick(), "-1")),
            6 => Join(("page_token", random.Next(3) switch { 0 => "garbage", 1 => "AAAA", _ => new string('Z', 3000) })),
            7 => Join(("unknown_" + random.Next(100), "x"), ("limit[]", "1"), ("", "empty-name")),
            _ => Pick() + "=%00%0a%ff" + "&" + Pick() + "=" + Uri.EscapeDataString("😀\u0001"),
        };
    }

    private List<KeyValuePair<string, string>> Headers(int strategy, Random random)
    {
        var bearer = "Bearer " + apiKey;
        string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
        (string? Authorization, (string Name, string Value)? Extra) choice = strategy switch
        {
            0 => (bearer, null),
            1 => (null, null),
            2 => ("Bearer " + Guid.NewGuid(), null),
            3 => ("Basic !!!not-base64***", null),
            4 => ("Basic " + Base64("garbage-without-colon"), null),
            5 => (string.Empty, null),
            6 => ("Bearer", null),
            7 => ("Basic " + Base64(apiKey + ":"), null),
            8 => ("Token " + apiKey, null),
            9 => ("bearer " + apiKey, ("X-Polytomic-Version", random.Next(2) == 0 ? "garbage" : "2025-13-45")),
            10 => (bearer, ("X-Polytomic-Version", string.Empty)),
            11 => (bearer, ("Idempotency-Key", string.Empty)),
            12 => (bearer, ("Idempotency-Key", new string('k', 10 * 1024))),
            13 => (bearer, ("Idempotency-Key", random.Next(2) == 0 ? "key\twith\u0001control" : "key\u0000null")),
            14 => (bearer, ("Idempotency-Key", "fuzz-" + random.Next(4))),
            _ => ("Basic " + Base64("\u00ff\u0000:" + apiKey), null),
        };

        var headers = new List<KeyValuePair<string, string>>();
        if (choice.Authorization is not null)
        {
            headers.Add(new("Authorization", choice.Authorization));
        }

        if (choice.Extra is { } header)
        {
            headers.Add(new(header.Name, header.Value));
        }

        return headers;
    }

    private byte[]? Body(FuzzRoute route, int strategy, Random random, List<KeyValuePair<string, string>> headers)
    {
        // Only POST and PUT get bodies. A server that closes a connection with an unread body resets it, which
        // cuts off a long response, such as the OpenAPI document, before the client has read it.
        if (route.Method is not ("POST" or "PUT"))
        {
            return null;
        }

        var contentType = strategy == 15
            ? new[] { "text/plain", "application/json; charset=latin1", "application/xml", "multipart/form-data", "application/json-garbage", "*/*" }[random.Next(6)]
            : "application/json";
        headers.Add(new("Content-Type", contentType));
        var valid = route.BodyType is { } type && validBodies.TryGetValue(type.Name, out var template)
            ? (JsonObject)template.DeepClone()
            : new JsonObject();
        var text = strategy switch
        {
            0 or 1 or 15 => valid.ToJsonString(),
            2 => "{\"name\": ",
            3 => Truncate(valid.ToJsonString(), random),
            4 => Mutate(valid, random, WrongType(random)).ToJsonString(),
            5 => Mutate(valid, random, null).ToJsonString(),
            6 => new[] { "null", "[]", "42", "\"text\"", "true", "[{}]" }[random.Next(6)],
            7 => new string('[', 5000) + new string(']', 5000),
            8 => valid.ToJsonString().TrimEnd('}') + (valid.Count > 0 ? "," : string.Empty) + "\"name\": 1e999999, \"active\": 123456789012345678901234567890}",
            9 => Mutate(valid, random, JsonValue.Create(new string('s', 1024 * 1024))).ToJsonString(),
            10 => valid.ToJsonString().TrimEnd('}') + (valid.Count > 0 ? "," : string.Empty) + "\"name\": \"first\", \"name\": 2}",
            11 => WithReadOnlyFields(valid).ToJsonString(),
            12 => "{\"name\": \"" + new string('x', 5 * 1024 * 1024) + "\"}",
            13 => null,
            _ => string.Empty,
        };

        return text is null ? [0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d] : Encoding.UTF8.GetBytes(text);
    }

    private static string Truncate(string json, Random random) => json[..random.Next(Math.Max(1, json.Length - 1))];

    private static JsonNode WrongType(Random random) => random.Next(6) switch
    {
        0 => JsonValue.Create(12345),
        1 => JsonValue.Create("text"),
        2 => JsonValue.Create(true),
        3 => new JsonArray(1, "two"),
        4 => new JsonObject { ["nested"] = new JsonObject() },
        _ => JsonValue.Create(-1.5e300),
    };

    /// <summary>Replaces one randomly chosen property, at any depth, with <paramref name="replacement"/>.</summary>
    private static JsonObject Mutate(JsonObject body, Random random, JsonNode? replacement)
    {
        var properties = new List<(JsonObject Parent, string Name)>();
        void Collect(JsonNode? node)
        {
            if (node is JsonObject obj)
            {
                foreach (var (name, child) in obj)
                {
                    properties.Add((obj, name));
                    Collect(child);
                }
            }
            else if (node is JsonArray array)
            {
                foreach (var item in array)
                {
                    Collect(item);
                }
            }
        }

        Collect(body);
        if (properties.Count == 0)
        {
            body["name"] = replacement;
            return body;
        }

        var (parent, property) = properties[random.Next(properties.Count)];
        parent[property] = replacement;
        return body;
    }

    private static JsonObject WithReadOnlyFields(JsonObject body)
    {
        body["id"] = ReadOnlySentinel;
        body["organization_id"] = "00000000-0000-0000-0000-0000000f0220";
        body["created_at"] = "1999-01-01T00:00:00Z";
        body["updated_at"] = "1999-01-01T00:00:00Z";
        body["model_ids"] = new JsonArray(ReadOnlySentinel);
        body["version"] = 987654;
        return body;
    }
}
