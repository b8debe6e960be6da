using System.Text.Json;
using System.Text.Json.Nodes;

namespace Outflow.Core.Connectors;

/// <summary>
/// What a model reads from a SQL source: exactly one of a query or a table name
/// (schema-qualified where the database has schemas).
/// </summary>
public sealed record ModelSource(string? Query, string? Table)
{
    /// <summary>
    /// Parses a model's <c>configuration</c>, <c>{"query": "…"}</c> or <c>{"table": "…"}</c>.
    /// </summary>
    /// <exception cref="OutflowException">Neither or both keys are set, or a value is not a non-empty string.</exception>
    public static ModelSource Parse(JsonObject? configuration)
    {
        if (configuration is null)
        {
            throw OutflowException.Invalid("missing_field", "configuration is required", "configuration");
        }

        var query = ReadString(configuration, "query");
        var table = ReadString(configuration, "table");
        if ((query is null) == (table is null))
        {
            throw OutflowException.Unprocessable(
                "invalid_model_configuration",
                "configuration must have exactly one of \"query\" or \"table\"",
                "configuration");
        }

        return new ModelSource(query, table);
    }

    private static string? ReadString(JsonObject configuration, string key)
    {
        if (!configuration.TryGetPropertyValue(key, out var node) || node is null)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(node.GetValue<string>()))
        {
            throw OutflowException.Invalid(
                "invalid_model_configuration", $"configuration.{key} must be a non-empty string", $"configuration.{key}");
        }

        return node.GetValue<string>();
    }
}
