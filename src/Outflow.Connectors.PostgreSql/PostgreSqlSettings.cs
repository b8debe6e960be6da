using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.PostgreSql;

/// <summary>A validated <c>postgresql</c> connection configuration.</summary>
internal sealed record PostgreSqlSettings(string Hostname, int Port, string Database, string Username, string? Password, bool Ssl)
{
    public const int DefaultPort = 5432;

    /// <summary>
    /// Validates <paramref name="configuration"/> and fills in defaults for absent keys. Returns null and adds
    /// to <paramref name="problems"/> when it is invalid. A problem carries the offending value unless the key is a secret.
    /// </summary>
    public static PostgreSqlSettings? Parse(JsonObject configuration, List<ConfigurationProblem> problems) =>
        ServerConnectionSettings.Parse(configuration, DefaultPort, problems) is { } server
            ? new PostgreSqlSettings(server.Hostname, server.Port, server.Database, server.Username, server.Password, server.Ssl)
            : null;

    /// <summary>
    /// Builds the Npgsql connection string of a session. Sessions run in UTC, so timestamp conversions do not depend on
    /// the server's time zone. A target passes <paramref name="idleTransactionTimeout"/>, which the session sets as
    /// <c>idle_in_transaction_session_timeout</c> in its startup packet, so it also survives the reset of a pooled
    /// connection. A source passes nothing, because a streaming read legitimately stays idle inside its transaction
    /// while the engine writes batches.
    /// </summary>
    public string ToConnectionString(TimeSpan? idleTransactionTimeout = null) =>
        new NpgsqlConnectionStringBuilder
        {
            Options = idleTransactionTimeout is { } timeout
                ? string.Create(CultureInfo.InvariantCulture, $"-c idle_in_transaction_session_timeout={(long)timeout.TotalMilliseconds}")
                : null,
            Host = Hostname,
            Port = Port,
            Database = Database,
            Username = Username,
            Password = Password,
            SslMode = Ssl ? SslMode.Require : SslMode.Disable,
            Timeout = 15,
            CommandTimeout = 0,
            Timezone = "UTC",
            ApplicationName = "outflow",

            // Lets a failed batch report which record's statement failed.
            IncludeFailedBatchedCommand = true,
        }.ConnectionString;
}
