using System.Text.Json.Nodes;
using MySqlConnector;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.MySql;

/// <summary>A validated <c>mysql</c> connection configuration.</summary>
internal sealed record MySqlSettings(string Hostname, int Port, string Database, string Username, string? Password, bool Ssl)
{
    public const int DefaultPort = 3306;

    /// <summary>
    /// Validates <paramref name="configuration"/> and fills in defaults for absent keys. Returns null and adds
    /// to <paramref name="problems"/> when it is invalid. A problem carries the offending value unless the key is a secret.
    /// </summary>
    public static MySqlSettings? Parse(JsonObject configuration, List<ConfigurationProblem> problems) =>
        ServerConnectionSettings.Parse(configuration, DefaultPort, problems) is { } server
            ? new MySqlSettings(server.Hostname, server.Port, server.Database, server.Username, server.Password, server.Ssl)
            : null;

    /// <summary>
    /// Builds the MySqlConnector connection string. CHAR(36) and BINARY(16) columns stay text and bytes instead of
    /// becoming Guids, and TINYINT(1) and BOOL columns are read as booleans.
    /// </summary>
    public string ToConnectionString() =>
        new MySqlConnectionStringBuilder
        {
            Server = Hostname,
            Port = (uint)Port,
            Database = Database,
            UserID = Username,
            Password = Password,
            SslMode = Ssl ? MySqlSslMode.Required : MySqlSslMode.None,
            ConnectionTimeout = 15,
            DefaultCommandTimeout = 0,
            ApplicationName = "outflow",
            GuidFormat = MySqlGuidFormat.None,
            TreatTinyAsBoolean = true,
            AllowUserVariables = false,
            CharacterSet = "utf8mb4",
        }.ConnectionString;
}
