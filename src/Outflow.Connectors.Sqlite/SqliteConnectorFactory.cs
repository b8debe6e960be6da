using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Sqlite;

/// <summary>The <c>sqlite</c> connection type: a SQLite database file inside the files root, as a model source and a sync target.</summary>
public sealed class SqliteConnectorFactory(ILogger<SqliteConnectorFactory>? logger = null) : IConnectorFactory
{
    public const string TypeId = "sqlite";

    private readonly ILogger _logger = logger ?? NullLogger<SqliteConnectorFactory>.Instance;

    public ConnectionTypeInfo Info { get; } = new(
        TypeId,
        "SQLite",
        IsSource: true,
        IsTarget: true,
        [
            new ConfigurationField(
                "path", "string", "Path of an existing SQLite database file, absolute or relative to the server's files root", Required: true),
        ])
    {
        TargetCreation = [],
    };

    public IReadOnlyList<ConfigurationProblem> Validate(JsonObject configuration, ConnectorEnvironment environment)
    {
        var problems = new List<ConfigurationProblem>();
        SqliteSettings.Parse(configuration, environment, problems);
        return problems;
    }

    public async Task TestAsync(JsonObject configuration, ConnectorEnvironment environment, CancellationToken cancellationToken)
    {
        var settings = ParseOrThrow(configuration, environment);
        var connection = await SqliteConnections.OpenAsync(settings, readOnly: true, cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        try
        {
            var command = connection.CreateCommand();
            await using var commandScope = command.ConfigureAwait(false);

            // Reading the schema table fails on a file that is not a SQLite database.
            command.CommandText = "SELECT count(*) FROM sqlite_schema";
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException exception)
        {
            throw SqliteErrors.Wrap(exception, $"opening SQLite database {settings.ConfiguredPath} failed");
        }
    }

    public ISourceConnector CreateSource(JsonObject configuration, ConnectorEnvironment environment) =>
        new SqliteSourceConnector(ParseOrThrow(configuration, environment), _logger);

    public ITargetConnector CreateTarget(JsonObject configuration, ConnectorEnvironment environment) =>
        new SqliteTargetConnector(ParseOrThrow(configuration, environment), _logger);

    private static SqliteSettings ParseOrThrow(JsonObject configuration, ConnectorEnvironment environment)
    {
        var problems = new List<ConfigurationProblem>();
        return SqliteSettings.Parse(configuration, environment, problems)
            ?? throw new ConnectorException(
                "the sqlite connection configuration is invalid: " + string.Join(" ", problems.Select(p => p.Message)));
    }
}
