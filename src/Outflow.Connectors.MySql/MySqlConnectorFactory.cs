using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.MySql;

/// <summary>The <c>mysql</c> connection type: a MySQL or MariaDB database as a model source and as a sync target.</summary>
public sealed class MySqlConnectorFactory(ILogger<MySqlConnectorFactory>? logger = null) : IConnectorFactory
{
    public const string TypeId = "mysql";

    private readonly ILogger _logger = logger ?? NullLogger<MySqlConnectorFactory>.Instance;

    public ConnectionTypeInfo Info { get; } = new(
        TypeId,
        "MySQL / MariaDB",
        IsSource: true,
        IsTarget: true,
        [
            new ConfigurationField("hostname", "string", "Host name or IP address of the server", Required: true),
            new ConfigurationField("port", "integer", "TCP port of the server", Default: MySqlSettings.DefaultPort),
            new ConfigurationField("database", "string", "Database to connect to", Required: true),
            new ConfigurationField("username", "string", "User to log in as", Required: true),
            new ConfigurationField("password", "string", "Password of the user", Secret: true),
            new ConfigurationField("ssl", "boolean", "Require TLS for the connection (the server certificate is not verified)", Default: false),
        ])
    {
        TargetCreation = MySqlTableCreation.Properties,
    };

    public IReadOnlyList<ConfigurationProblem> Validate(JsonObject configuration, ConnectorEnvironment environment)
    {
        var problems = new List<ConfigurationProblem>();
        MySqlSettings.Parse(configuration, problems);
        return problems;
    }

    public async Task TestAsync(JsonObject configuration, ConnectorEnvironment environment, CancellationToken cancellationToken)
    {
        var settings = ParseOrThrow(configuration);
        try
        {
            var connection = await MySqlConnections.OpenForReadingAsync(settings, settings.ToConnectionString(), cancellationToken)
                .ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            var command = new MySqlCommand("SELECT 1", connection);
            await using var commandScope = command.ConfigureAwait(false);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (MySqlErrors.IsDatabaseFailure(exception))
        {
            Log.ConnectionTestFailed(_logger, settings.Hostname, settings.Port);
            throw MySqlErrors.Wrap(exception, $"testing the connection to {settings.Hostname}:{settings.Port} failed");
        }
        catch (ConnectorException)
        {
            Log.ConnectionTestFailed(_logger, settings.Hostname, settings.Port);
            throw;
        }
    }

    public ISourceConnector CreateSource(JsonObject configuration, ConnectorEnvironment environment) =>
        new MySqlSourceConnector(ParseOrThrow(configuration), _logger);

    public ITargetConnector CreateTarget(JsonObject configuration, ConnectorEnvironment environment) =>
        new MySqlTargetConnector(ParseOrThrow(configuration), environment.TargetIdleTransactionTimeout, _logger);

    private static MySqlSettings ParseOrThrow(JsonObject configuration)
    {
        var problems = new List<ConfigurationProblem>();
        var settings = MySqlSettings.Parse((JsonObject)configuration.DeepClone(), problems);
        if (settings is null)
        {
            throw new ConnectorException(
                "the mysql connection configuration is invalid: " + string.Join(" ", problems.Select(p => p.Message)));
        }

        return settings;
    }
}
