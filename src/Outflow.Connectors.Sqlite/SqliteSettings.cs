using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Sqlite;

/// <summary>
/// A validated <c>sqlite</c> connection configuration: the path as configured, the files root it must stay in, and
/// the database file's real path at validation time.
/// </summary>
internal sealed record SqliteSettings(string ConfiguredPath, string FilesRoot, string FullPath)
{
    /// <summary>Validates <paramref name="configuration"/>; returns null and adds to <paramref name="problems"/> when it is invalid.</summary>
    public static SqliteSettings? Parse(JsonObject configuration, ConnectorEnvironment environment, List<ConfigurationProblem> problems)
    {
        if (!configuration.TryGetPropertyValue("path", out var node) || node is null)
        {
            problems.Add(new ConfigurationProblem(
                "configuration.path", "configuration.path is required: set it to a SQLite database file inside the files root."));
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            problems.Add(new ConfigurationProblem(
                "configuration.path",
                $"configuration.path must be a JSON string naming a SQLite database file, not a JSON {DescribeKind(node.GetValueKind())}.",
                node.DeepClone(),
                IsWrongType: true));
            return null;
        }

        var path = node.GetValue<string>();
        if (string.IsNullOrWhiteSpace(path))
        {
            problems.Add(new ConfigurationProblem(
                "configuration.path", "configuration.path must not be empty: set it to a SQLite database file inside the files root.", path));
            return null;
        }

        if (!FilesRootPaths.TryResolveInsideRoot(environment.FilesRoot, path, "configuration.path", out var fullPath, out var problem))
        {
            problems.Add(new ConfigurationProblem("configuration.path", problem + ".", path));
            return null;
        }

        return new SqliteSettings(path, environment.FilesRoot, fullPath);
    }

    /// <summary>
    /// Resolves the path again, because a symbolic link can be created or changed after validation, and builds a
    /// connection string to the real file that never creates it: a missing database is an error, not an empty new one.
    /// </summary>
    /// <exception cref="ConnectorException">The path now leads outside the files root, or the file does not exist.</exception>
    public string ToConnectionString(bool readOnly, bool pooling)
    {
        if (!FilesRootPaths.TryResolveInsideRoot(FilesRoot, ConfiguredPath, "configuration.path", out var fullPath, out var problem))
        {
            throw new ConnectorException(problem);
        }

        if (!File.Exists(fullPath))
        {
            throw new ConnectorException(
                $"SQLite database file {ConfiguredPath} does not exist in the files root; create it or correct configuration.path");
        }

        return new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
            Pooling = pooling,
        }.ConnectionString;
    }

    private static string DescribeKind(JsonValueKind kind) =>
        kind is JsonValueKind.True or JsonValueKind.False ? "boolean" : kind.ToString().ToLowerInvariant();
}
