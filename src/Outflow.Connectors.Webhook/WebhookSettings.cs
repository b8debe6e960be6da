using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Webhook;

/// <summary>
/// A validated <c>webhook</c> connection configuration. <see cref="MaxRequestsPerSecond"/> is null when requests are
/// not rate-limited.
/// </summary>
internal sealed record WebhookSettings(
    Uri Url,
    IReadOnlyDictionary<string, string> Headers,
    int BatchSize,
    double? MaxRequestsPerSecond)
{
    public const int DefaultBatchSize = 500;
    public const int MaxBatchSize = 10_000;
    public const double MaxRate = 10_000;

    /// <summary>The lowest rate accepted, one request per 1,000 seconds, which keeps every wait within timer range.</summary>
    public const double MinRate = 0.001;

    /// <summary>Header names that the connector sets itself, so a configuration may not set them.</summary>
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Idempotency-Key", "Content-Type", "Content-Length", "Host", "Transfer-Encoding", "Connection",
    };

    /// <summary>Validates <paramref name="configuration"/>; returns null and adds to <paramref name="problems"/> when it is invalid.</summary>
    public static WebhookSettings? Parse(JsonObject configuration, ConnectorEnvironment environment, List<ConfigurationProblem> problems)
    {
        var count = problems.Count;
        var url = ParseUrl(configuration, environment, problems);
        var headers = ParseHeaders(configuration, problems);
        var batchSize = ParseBatchSize(configuration, problems);
        var rate = ParseRate(configuration, problems);
        if (problems.Count > count || url is null || headers is null)
        {
            return null;
        }

        return new WebhookSettings(url, headers, batchSize, rate);
    }

    private static Uri? ParseUrl(JsonObject configuration, ConnectorEnvironment environment, List<ConfigurationProblem> problems)
    {
        const string field = "configuration.url";
        if (!configuration.TryGetPropertyValue("url", out var node) || node is null)
        {
            problems.Add(new ConfigurationProblem(field, $"{field} is required: set it to the http or https URL that receives the batches."));
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            problems.Add(new ConfigurationProblem(
                field, $"{field} must be a JSON string with an http or https URL, not a JSON {DescribeKind(node.GetValueKind())}.",
                node.DeepClone(), IsWrongType: true));
            return null;
        }

        var text = node.GetValue<string>();
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add(new ConfigurationProblem(field, $"{field} must be an absolute http or https URL, got \"{text}\".", text));
            return null;
        }

        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            // The URL is not secret, so the API returns it as stored. Credentials belong in the headers, which are secret.
            problems.Add(new ConfigurationProblem(
                field, $"{field} must not contain a user name or password; send credentials in configuration.headers, such as an Authorization header."));
            return null;
        }

        if (!string.IsNullOrEmpty(url.Fragment))
        {
            problems.Add(new ConfigurationProblem(field, $"{field} must not contain a fragment (\"{url.Fragment}\"), because it is never sent.", text));
            return null;
        }

        // A literal address can be checked now, but host names are checked when each connection opens.
        if (!environment.AllowPrivateNetworks && IPAddress.TryParse(url.IdnHost, out var address)
            && NetworkGuard.FindBlockedRange(address) is { } range)
        {
            problems.Add(new ConfigurationProblem(
                field,
                $"{field} points to {address}, {range}, and requests to it are rejected; use a public address, " +
                "or ask the operator to allow private networks with the server setting ALLOW_PRIVATE_NETWORKS.",
                text));
            return null;
        }

        if (!environment.AllowPrivateNetworks && string.Equals(url.IdnHost, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(new ConfigurationProblem(
                field,
                $"{field} points to localhost, a loopback address, and requests to it are rejected; use a public address, " +
                "or ask the operator to allow private networks with the server setting ALLOW_PRIVATE_NETWORKS.",
                text));
            return null;
        }

        return url;
    }

    private static Dictionary<string, string>? ParseHeaders(JsonObject configuration, List<ConfigurationProblem> problems)
    {
        const string field = "configuration.headers";
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!configuration.TryGetPropertyValue("headers", out var node) || node is null)
        {
            return headers;
        }

        if (node is not JsonObject map)
        {
            // Headers are secret, so the value is never echoed.
            problems.Add(new ConfigurationProblem(
                field, $"{field} must be a JSON object of header names to string values, not a JSON {DescribeKind(node.GetValueKind())}.",
                IsWrongType: true));
            return null;
        }

        var valid = true;
        foreach (var (name, value) in map)
        {
            var path = $"{field}.{name}";
            if (!IsToken(name))
            {
                problems.Add(new ConfigurationProblem(path, $"{path} is not a valid HTTP header name: use letters, digits and -.", name));
                valid = false;
                continue;
            }

            if (ReservedHeaders.Contains(name))
            {
                problems.Add(new ConfigurationProblem(path, $"{path} cannot be set, because the connector sets the {name} header itself.", name));
                valid = false;
                continue;
            }

            if (value is null || value.GetValueKind() != JsonValueKind.String)
            {
                problems.Add(new ConfigurationProblem(path, $"{path} must be a JSON string.", IsWrongType: true));
                valid = false;
                continue;
            }

            var text = value.GetValue<string>();
            if (text.Any(c => c is '\r' or '\n' or '\0'))
            {
                problems.Add(new ConfigurationProblem(path, $"{path} must not contain line breaks or NUL characters."));
                valid = false;
                continue;
            }

            headers[name] = text;
        }

        return valid ? headers : null;
    }

    private static int ParseBatchSize(JsonObject configuration, List<ConfigurationProblem> problems)
    {
        const string field = "configuration.batch_size";
        if (!configuration.TryGetPropertyValue("batch_size", out var node) || node is null)
        {
            configuration["batch_size"] = DefaultBatchSize;
            return DefaultBatchSize;
        }

        if (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue<int>(out var size))
        {
            problems.Add(new ConfigurationProblem(
                field, $"{field} must be a whole number of records from 1 to {MaxBatchSize}.", node.DeepClone(),
                IsWrongType: node.GetValueKind() != JsonValueKind.Number));
            return DefaultBatchSize;
        }

        if (size < 1 || size > MaxBatchSize)
        {
            problems.Add(new ConfigurationProblem(field, $"{field} must be from 1 to {MaxBatchSize} records, got {size}.", size));
        }

        return size;
    }

    private static double? ParseRate(JsonObject configuration, List<ConfigurationProblem> problems)
    {
        const string field = "configuration.max_requests_per_second";
        if (!configuration.TryGetPropertyValue("max_requests_per_second", out var node) || node is null)
        {
            return null;
        }

        // The number is read from its JSON text, because a node built in code (an int) does not convert to double.
        var text = node.ToJsonString();
        if (node.GetValueKind() != JsonValueKind.Number
            || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate))
        {
            problems.Add(new ConfigurationProblem(
                field, $"{field} must be a JSON number of requests per second, or null for no limit.", node.DeepClone(), IsWrongType: true));
            return null;
        }

        if (!(rate >= MinRate) || rate > MaxRate)
        {
            // A number beyond the double range (1e309) parses as infinity, which JSON cannot represent, so the
            // problem echoes the number as the request wrote it.
            problems.Add(new ConfigurationProblem(
                field,
                $"{field} must be from {MinRate} to {MaxRate} requests per second, got {text}; omit it for no limit.",
                double.IsFinite(rate) ? rate : text));
            return null;
        }

        return rate;
    }

    /// <summary>Whether a header name is an HTTP token (RFC 9110, section 5.6.2).</summary>
    private static bool IsToken(string name) =>
        name.Length > 0 && name.All(c => c < 127 && (char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)));

    private static string DescribeKind(JsonValueKind kind) =>
        kind is JsonValueKind.True or JsonValueKind.False ? "boolean" : kind.ToString().ToLowerInvariant();
}
