using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Files;

/// <summary>The <c>files</c> connection type: CSV or JSON Lines files in a directory inside the files root, as a sync target.</summary>
public sealed class FilesConnectorFactory(ILogger<FilesConnectorFactory>? logger = null) : IConnectorFactory
{
    public const string TypeId = "files";

    private readonly ILogger _logger = logger ?? NullLogger<FilesConnectorFactory>.Instance;

    public ConnectionTypeInfo Info { get; } = new(
        TypeId,
        "Files",
        IsSource: false,
        IsTarget: true,
        [
            new ConfigurationField(
                "directory", "string", "Existing directory for the files, absolute or relative to the server's files root", Required: true),
            new ConfigurationField(
                "format", "string", "Record format of the files: csv or jsonl", Required: true, AllowedValues: ["csv", "jsonl"]),
        ])
    {
        AcceptsEncryptionPassphrase = true,
    };

    public IReadOnlyList<ConfigurationProblem> Validate(JsonObject configuration, ConnectorEnvironment environment)
    {
        var problems = new List<ConfigurationProblem>();
        FilesSettings.Parse(configuration, environment, problems);
        return problems;
    }

    public Task TestAsync(JsonObject configuration, ConnectorEnvironment environment, CancellationToken cancellationToken)
    {
        ParseOrThrow(configuration, environment).ResolveDirectory();
        return Task.CompletedTask;
    }

    public ISourceConnector CreateSource(JsonObject configuration, ConnectorEnvironment environment) =>
        throw new NotSupportedException("a files connection is a target only");

    public ITargetConnector CreateTarget(JsonObject configuration, ConnectorEnvironment environment) =>
        new FilesTargetConnector(ParseOrThrow(configuration, environment), _logger);

    private static FilesSettings ParseOrThrow(JsonObject configuration, ConnectorEnvironment environment)
    {
        var problems = new List<ConfigurationProblem>();
        return FilesSettings.Parse(configuration, environment, problems)
            ?? throw new ConnectorException(
                "the files connection configuration is invalid: " + string.Join(" ", problems.Select(p => p.Message)));
    }
}
