using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Sqlite;

/// <summary>A validated <c>sqlite</c> connection configuration: the database file's absolute path inside the files root.</summary>
internal sealed record SqliteSettings(string FullPath)
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

        if (node.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(node.GetValue<string>()))
        {
            problems.Add(new ConfigurationProblem(
                "configuration.path", "configuration.path must be a non-empty string naming a SQLite database file.", node.DeepClone()));
            return null;
        }

        var path = node.GetValue<string>();
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(environment.FilesRoot));
        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(Path.Combine(root, path));
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
        {
            problems.Add(new ConfigurationProblem("configuration.path", $"configuration.path is not a valid path: {exception.Message}", path));
            return null;
        }

        // NOTE: the check is on the path's text, so a symbolic link inside the files root can still point outside it.
        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        if (!fullPath.StartsWith(prefix, StringComparison.Ordinal))
        {
            problems.Add(new ConfigurationProblem(
                "configuration.path",
                $"configuration.path must be inside the files root {root}, but {path} resolves to {fullPath}; " +
                "use a path relative to the files root.",
                path));
            return null;
        }

        return new SqliteSettings(fullPath);
    }

    /// <summary>Builds a connection string that never creates the file: a missing database is an error, not an empty new one.</summary>
    public string ToConnectionString(bool readOnly) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = FullPath,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
        }.ConnectionString;
}
