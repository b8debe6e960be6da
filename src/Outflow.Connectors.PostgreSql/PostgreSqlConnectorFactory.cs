using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.PostgreSql;

/// <summary>The <c>postgresql</c> connection type: a PostgreSQL database as a model source and as a sync target.</summary>
public sealed class PostgreSqlConnectorFactory(ILogger<PostgreSqlConnectorFactory>? logger = null) : IConnectorFactory
{
    public const string TypeId = "postgresql";

    private readonly ILogger _logger = logger ?? NullLogger<PostgreSqlConnectorFactory>.Instance;

    public ConnectionTypeInfo Info { get; } = new(
        TypeId,
        "PostgreSQL",
        IsSource: true,
        IsTarget: true,
        [
            new ConfigurationField("hostname", "string", "Host name or IP address of the server", Required: true),
            new ConfigurationField("port", "integer", "TCP port of the server", Default: PostgreSqlSettings.DefaultPort),
            new ConfigurationField("database", "string", "Database to connect to", Required: true),
            new ConfigurationField("username", "string", "User to log in as", Required: true),
            new ConfigurationField("password", "string", "Password of the user", Secret: true),
            new ConfigurationField("ssl", "boolean", "Encrypt the connection with TLS (the server certificate is not verified)", Default: false),
        ])
    {
        TargetCreation = PostgreSqlTableCreation.Properties,
    };

    public IReadOnlyList<ConfigurationProblem> Validate(JsonObject configuration, ConnectorEnvironment environment)
    {
        var problems = new List<ConfigurationProblem>();
        PostgreSqlSettings.Parse(configuration, problems);
        return problems;
    }

    public async Task TestAsync(JsonObject configuration, ConnectorEnvironment environment, CancellationToken cancellationToken)
    {
        var settings = ParseOrThrow(configuration);
        try
        {
            var connection = await PostgreSqlConnections.OpenAsync(settings, settings.ToConnectionString(), cancellationToken)
                .ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            var command = new NpgsqlCommand("SELECT 1", connection);
            await using var commandScope = command.ConfigureAwait(false);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
        {
            Log.ConnectionTestFailed(_logger, settings.Hostname, settings.Port);
            throw PostgreSqlErrors.Wrap(exception, $"testing the connection to {settings.Hostname}:{settings.Port} failed");
        }
        catch (ConnectorException)
        {
            Log.ConnectionTestFailed(_logger, settings.Hostname, settings.Port);
            throw;
        }
    }

    public ISourceConnector CreateSource(JsonObject configuration, ConnectorEnvironment environment) =>
        new PostgreSqlSourceConnector(ParseOrThrow(configuration), _logger);

    public ITargetConnector CreateTarget(JsonObject configuration, ConnectorEnvironment environment) =>
        new PostgreSqlTargetConnector(ParseOrThrow(configuration), environment.TargetIdleTransactionTimeout, _logger);

    private static PostgreSqlSettings ParseOrThrow(JsonObject configuration)
    {
        var problems = new List<ConfigurationProblem>();
        var settings = PostgreSqlSettings.Parse((JsonObject)configuration.DeepClone(), problems);
        if (settings is null)
        {
            throw new ConnectorException(
                "the postgresql connection configuration is invalid: " + string.Join(" ", problems.Select(p => p.Message)));
        }

        return settings;
    }
}
