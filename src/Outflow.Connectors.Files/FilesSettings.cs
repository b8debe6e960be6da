using System.Text.Json;
using System.Text.Json.Nodes;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Files;

/// <summary>
/// A validated <c>files</c> connection configuration: the directory as configured, the files root it must stay in,
/// the record format, and the passphrase that encrypts the files, if any.
/// </summary>
internal sealed record FilesSettings(string ConfiguredDirectory, string FilesRoot, FileFormat Format, string? Passphrase)
{
    /// <summary>Validates <paramref name="configuration"/>; returns null and adds to <paramref name="problems"/> when it is invalid.</summary>
    public static FilesSettings? Parse(JsonObject configuration, ConnectorEnvironment environment, List<ConfigurationProblem> problems)
    {
        var directory = ReadDirectory(configuration, environment, problems);
        var format = ReadFormat(configuration, problems);
        return directory is null || format is null
            ? null
            : new FilesSettings(directory, environment.FilesRoot, format.Value, environment.EncryptionPassphrase);
    }

    /// <summary>
    /// Resolves the directory again, because a symbolic link can be created or changed after validation, and checks
    /// that it exists.
    /// </summary>
    /// <exception cref="ConnectorException">The directory now leads outside the files root, is a file, or does not exist.</exception>
    public string ResolveDirectory()
    {
        if (!FilesRootPaths.TryResolveInsideRoot(FilesRoot, ConfiguredDirectory, "configuration.directory", out var fullPath, out var problem))
        {
            throw new ConnectorException(problem);
        }

        if (File.Exists(fullPath))
        {
            throw new ConnectorException(
                $"directory {ConfiguredDirectory} is a file, not a directory; correct configuration.directory or replace the file with a directory");
        }

        if (!Directory.Exists(fullPath))
        {
            throw new ConnectorException(
                $"directory {ConfiguredDirectory} does not exist in the files root; create it or correct configuration.directory");
        }

        return fullPath;
    }

    private static string? ReadDirectory(JsonObject configuration, ConnectorEnvironment environment, List<ConfigurationProblem> problems)
    {
        if (!configuration.TryGetPropertyValue("directory", out var node) || node is null)
        {
            problems.Add(new ConfigurationProblem(
                "configuration.directory", "configuration.directory is required: set it to a directory inside the files root."));
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            problems.Add(new ConfigurationProblem(
                "configuration.directory",
                $"configuration.directory must be a JSON string naming a directory, not a JSON {DescribeKind(node.GetValueKind())}.",
                node.DeepClone(),
                IsWrongType: true));
            return null;
        }

        var directory = node.GetValue<string>();
        if (string.IsNullOrWhiteSpace(directory))
        {
            problems.Add(new ConfigurationProblem(
                "configuration.directory",
                "configuration.directory must not be empty: set it to a directory inside the files root, or \".\" for the root itself.",
                directory));
            return null;
        }

        // The files root itself is allowed, but the resolver requires a path strictly inside it, so "." is checked
        // through a child name.
        var probe = Path.Join(directory, "probe");
        if (!FilesRootPaths.TryResolveInsideRoot(environment.FilesRoot, probe, "configuration.directory", out _, out var problem))
        {
            problems.Add(new ConfigurationProblem("configuration.directory", problem.Replace(probe, directory, StringComparison.Ordinal) + ".", directory));
            return null;
        }

        return directory;
    }

    private static FileFormat? ReadFormat(JsonObject configuration, List<ConfigurationProblem> problems)
    {
        if (!configuration.TryGetPropertyValue("format", out var node) || node is null)
        {
            problems.Add(new ConfigurationProblem("configuration.format", "configuration.format is required: set it to csv or jsonl."));
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            problems.Add(new ConfigurationProblem(
                "configuration.format",
                $"configuration.format must be the JSON string csv or jsonl, not a JSON {DescribeKind(node.GetValueKind())}.",
                node.DeepClone(),
                IsWrongType: true));
            return null;
        }

        var format = node.GetValue<string>();
        switch (format)
        {
            case "csv":
                return FileFormat.Csv;
            case "jsonl":
                return FileFormat.Jsonl;
            default:
                problems.Add(new ConfigurationProblem(
                    "configuration.format", $"configuration.format {format} is not supported: set it to csv or jsonl.", format));
                return null;
        }
    }

    private static string DescribeKind(JsonValueKind kind) =>
        kind is JsonValueKind.True or JsonValueKind.False ? "boolean" : kind.ToString().ToLowerInvariant();
}
