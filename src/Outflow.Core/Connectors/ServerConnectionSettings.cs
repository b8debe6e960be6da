using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Outflow.Core.Connectors;

/// <summary>
/// The configuration keys shared by connections to a database server: <c>hostname</c>, <c>port</c>, <c>database</c>,
/// <c>username</c>, <c>password</c> and <c>ssl</c>. Each connector keeps its own default port and connection string.
/// </summary>
public sealed record ServerConnectionSettings(string Hostname, int Port, string Database, string Username, string? Password, bool Ssl)
{
    /// <summary>
    /// Validates <paramref name="configuration"/> and fills in defaults for absent keys, with
    /// <paramref name="defaultPort"/> for <c>port</c>. Returns null and adds to <paramref name="problems"/> when it is
    /// invalid, and also returns null when <paramref name="problems"/> was not empty before the call. A problem carries
    /// the offending value unless the key is a secret.
    /// </summary>
    public static ServerConnectionSettings? Parse(JsonObject configuration, int defaultPort, List<ConfigurationProblem> problems)
    {
        var hostname = ReadHostname(configuration, problems);
        var database = ReadRequiredString(configuration, "database", "the name of the database to connect to", problems);
        var username = ReadRequiredString(configuration, "username", "the user to log in as", problems);
        var port = ReadPort(configuration, defaultPort, problems);
        var ssl = ReadSsl(configuration, problems);
        var password = ReadPassword(configuration, problems);

        if (hostname is null || database is null || username is null || port is null || ssl is null || problems.Count > 0)
        {
            return null;
        }

        return new ServerConnectionSettings(hostname, port.Value, database, username, password, ssl.Value);
    }

    private static string? ReadRequiredString(JsonObject configuration, string key, string meaning, List<ConfigurationProblem> problems)
    {
        if (!configuration.TryGetPropertyValue(key, out var node) || node is null)
        {
            problems.Add(new ConfigurationProblem($"configuration.{key}", $"configuration.{key} is required: set it to {meaning}."));
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            problems.Add(new ConfigurationProblem(
                $"configuration.{key}",
                $"configuration.{key} must be a JSON string, not a JSON {DescribeKind(node)}: set it to {meaning}.",
                node.DeepClone(),
                IsWrongType: true));
            return null;
        }

        var value = node.GetValue<string>();
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add(new ConfigurationProblem(
                $"configuration.{key}", $"configuration.{key} must not be empty: set it to {meaning}.", value));
            return null;
        }

        return value;
    }

    private static string? ReadHostname(JsonObject configuration, List<ConfigurationProblem> problems)
    {
        var hostname = ReadRequiredString(configuration, "hostname", "the database server's host name or IP address", problems);
        if (hostname is null || Hostnames.IsSingleHost(hostname))
        {
            return hostname;
        }

        // Npgsql reads a leading '/' as a Unix socket directory and MySqlConnector as a Unix socket path. Both read ','
        // as a list of hosts and "host:port" as a port.
        problems.Add(new ConfigurationProblem(
            "configuration.hostname",
            $"configuration.hostname {hostname} is not valid: configuration.hostname must be one host name or IP address, " +
            "without a port, a list of hosts or a socket path; set the port in configuration.port.",
            hostname));
        return null;
    }

    private static int? ReadPort(JsonObject configuration, int defaultPort, List<ConfigurationProblem> problems)
    {
        if (!configuration.TryGetPropertyValue("port", out var node) || node is null)
        {
            configuration["port"] = defaultPort;
            return defaultPort;
        }

        // A whole number written with a fraction or an exponent (5432.0, 5.432e3) is still an integer in JSON.
        var isNumber = node.GetValueKind() == JsonValueKind.Number;
        var parsed = decimal.TryParse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number);
        if (!isNumber || (parsed && number != decimal.Truncate(number)))
        {
            problems.Add(new ConfigurationProblem(
                "configuration.port",
                $"configuration.port must be a whole JSON number, not {(isNumber ? "a fraction" : "a JSON " + DescribeKind(node))}: set it to the server's TCP port, from 1 to 65535.",
                node.DeepClone(),
                IsWrongType: true));
            return null;
        }

        // A number too large for decimal does not parse and is out of range as well.
        if (!parsed || number is < 1 or > 65535)
        {
            problems.Add(new ConfigurationProblem(
                "configuration.port",
                $"configuration.port {node.ToJsonString()} is out of range: set it to the server's TCP port, from 1 to 65535.",
                node.DeepClone()));
            return null;
        }

        var port = (int)number;
        configuration["port"] = port;
        return port;
    }

    private static bool? ReadSsl(JsonObject configuration, List<ConfigurationProblem> problems)
    {
        if (!configuration.TryGetPropertyValue("ssl", out var node) || node is null)
        {
            configuration["ssl"] = false;
            return false;
        }

        if (node.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return node.GetValue<bool>();
        }

        problems.Add(new ConfigurationProblem(
            "configuration.ssl",
            $"configuration.ssl must be the JSON value true or false, not a JSON {DescribeKind(node)}.",
            node.DeepClone(),
            IsWrongType: true));
        return null;
    }

    private static string? ReadPassword(JsonObject configuration, List<ConfigurationProblem> problems)
    {
        if (!configuration.TryGetPropertyValue("password", out var node) || node is null)
        {
            return null;
        }

        if (node.GetValueKind() == JsonValueKind.String)
        {
            return node.GetValue<string>();
        }

        // The value is a secret, so the problem does not carry it.
        problems.Add(new ConfigurationProblem(
            "configuration.password", $"configuration.password must be a JSON string, not a JSON {DescribeKind(node)}.", IsWrongType: true));
        return null;
    }

    /// <summary>Names a value's JSON type for messages: string, number, boolean, object or array.</summary>
    private static string DescribeKind(JsonNode node) =>
        node.GetValueKind() switch
        {
            JsonValueKind.True or JsonValueKind.False => "boolean",
            var kind => kind.ToString().ToLowerInvariant(),
        };
}
