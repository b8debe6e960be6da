using Outflow.Api.Errors;
using Outflow.Core.Connectors;

namespace Outflow.Api.Discovery;

/// <summary>
/// The choices sent in <c>params</c>: the model configuration keys of SQL sources, <c>query</c> and <c>table</c>, of
/// which at most one is set, and <c>schema</c>, which only narrows the tables that Get Sync Source lists.
/// </summary>
internal sealed record SourceSelection(string? Query, string? Table, string? Schema)
{
    public const string QueryKey = "query";

    public const string TableKey = "table";

    public const string SchemaKey = "schema";

    /// <summary>Checks the keys and values of <paramref name="parameters"/> and returns the choice they make.</summary>
    /// <exception cref="ApiException">A key is unknown, a value is missing or repeated, or both keys are set.</exception>
    public static SourceSelection From(Dictionary<string, List<string>> parameters)
    {
        foreach (var key in parameters.Keys)
        {
            if (key is not (QueryKey or TableKey or SchemaKey))
            {
                throw ApiException.BadRequest(
                    ApiErrorKeys.InvalidQueryParameter,
                    $"params.{key} is not a source configuration key: use {QueryKey}, {TableKey} or {SchemaKey}",
                    $"{SourceParams.ParameterName}.{key}",
                    key);
            }
        }

        var query = ReadSingle(parameters, QueryKey);
        var table = ReadSingle(parameters, TableKey);
        if (query is not null && table is not null)
        {
            throw ApiException.BadRequest(
                ApiErrorKeys.InvalidQueryParameter,
                $"params sets both {QueryKey} and {TableKey}: a model reads either a query or a table, so send one of them",
                SourceParams.ParameterName);
        }

        return new SourceSelection(query, table, ReadSingle(parameters, SchemaKey));
    }

    /// <summary>Returns the model source, which needs one of the two keys.</summary>
    /// <exception cref="ApiException">Neither key is set.</exception>
    public ModelSource RequireSource()
    {
        if (Query is null && Table is null)
        {
            throw ApiException.BadRequest(
                ApiErrorKeys.InvalidQueryParameter,
                $"params must set {QueryKey} or {TableKey}, such as params={{\"{TableKey}\":[\"people\"]}} or {TableKey}=people",
                SourceParams.ParameterName);
        }

        return new ModelSource(Query, Table);
    }

    /// <summary>The <c>params</c> path of the key in use, for errors about the source it names.</summary>
    public string Field => $"{SourceParams.ParameterName}.{(Query is not null ? QueryKey : TableKey)}";

    private static string? ReadSingle(Dictionary<string, List<string>> parameters, string key)
    {
        if (!parameters.TryGetValue(key, out var values))
        {
            return null;
        }

        if (values.Count != 1 || string.IsNullOrWhiteSpace(values[0]))
        {
            throw ApiException.BadRequest(
                ApiErrorKeys.InvalidQueryParameter,
                $"params.{key} must be one non-empty string, sent once",
                $"{SourceParams.ParameterName}.{key}");
        }

        return values[0];
    }
}
